package io.stockflow.platform;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.changefeed.consumer.ChangefeedStatus;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * {@code /health} of the consumer role: DOWN while some topic's consumer is not running (between an
 * error and its restart), with per topic whether it consumes, its lag, its restarts and the lanes
 * that are waiting out an outage. A lane cut off from Temporal or the database leaves the status
 * UP: the process is healthy and restarting it would not bring the dependency back. In a process
 * without the consumer role the indicator says so and stays UP.
 */
@Singleton
public class ChangefeedHealthIndicator implements HealthIndicator {
  static final String NAME = "changefeed";

  private final ChangefeedProcessor processor;

  public ChangefeedHealthIndicator(ChangefeedProcessor processor) {
    this.processor = processor;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    if (!processor.started())
      return Publishers.just(
          HealthResult.builder(NAME, HealthStatus.UP)
              .details(Map.of("consumer", "not running in this process"))
              .build());
    boolean down = false;
    Map<String, Object> topics = new LinkedHashMap<>();
    for (ChangefeedStatus.TopicStatus t : processor.status().topics()) {
      down |= !t.consuming();
      Map<String, Object> d = new LinkedHashMap<>();
      d.put("consuming", t.consuming());
      d.put("consumerLag", t.consumerLag());
      d.put("fetchPaused", t.fetchPaused());
      d.put("restarts", t.restarts());
      Map<String, String> failing = new LinkedHashMap<>();
      for (ChangefeedStatus.LaneStatus l : t.lanes())
        if (l.failingSince() != null)
          failing.put(l.subprocessor(), "since " + l.failingSince() + ": " + l.lastFailure());
      if (!failing.isEmpty()) d.put("lanesWaitingOnAnOutage", failing);
      topics.put(t.topic(), d);
    }
    return Publishers.just(
        HealthResult.builder(NAME, down ? HealthStatus.DOWN : HealthStatus.UP)
            .details(topics)
            .build());
  }
}
