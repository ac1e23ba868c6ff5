package io.stockflow.dev;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.stockflow.bridge.BridgeHealth;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code /health} of the dev stack's in-process changefeed bridge: DOWN while it is not running
 * (between an error and its restart, and for good after a fatal error such as a lost replication
 * slot), with its restarts and last failure. Exists only when the dev stack runs the bridge in this
 * process (it registers the {@link BridgeHealth} bean); with CockroachDB or an external bridge
 * there is nothing to report here.
 */
@Singleton
@Requires(beans = BridgeHealth.class)
public class BridgeHealthIndicator implements HealthIndicator {
  static final String NAME = "bridge";

  private final BridgeHealth bridge;

  public BridgeHealthIndicator(BridgeHealth bridge) {
    this.bridge = bridge;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    BridgeHealth.Status s = bridge.status();
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("running", s.running());
    details.put("restarts", s.restarts());
    if (s.lastFailure() != null) details.put("lastFailure", s.lastFailure());
    if (s.fatal()) details.put("stoppedForGood", true);
    return Publishers.just(
        HealthResult.builder(NAME, s.running() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }
}
