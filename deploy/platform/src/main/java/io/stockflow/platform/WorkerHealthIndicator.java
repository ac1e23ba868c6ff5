package io.stockflow.platform;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.temporal.api.workflowservice.v1.GetSystemInfoRequest;
import io.temporal.serviceclient.WorkflowServiceStubs;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.reactivestreams.Publisher;

/**
 * {@code /health} of the worker role: DOWN while the Temporal worker's pollers are not running
 * (before start, after a shutdown). Whether the Temporal service answers is reported as a detail
 * but leaves the status UP, as for the consumer: restarting this process would not bring Temporal
 * back, and the worker reconnects by itself. In a process without the worker role the indicator
 * says so and stays UP.
 */
@Singleton
public class WorkerHealthIndicator implements HealthIndicator {
  static final String NAME = "worker";
  private static final Duration TEMPORAL_CHECK = Duration.ofSeconds(2);

  private final RoleLifecycle lifecycle;
  private final Provider<WorkflowServiceStubs> temporal;

  public WorkerHealthIndicator(RoleLifecycle lifecycle, Provider<WorkflowServiceStubs> temporal) {
    this.lifecycle = lifecycle;
    this.temporal = temporal;
  }

  @Override
  public Publisher<HealthResult> getResult() {
    RoleLifecycle.WorkerState worker = lifecycle.worker();
    if (worker == null)
      return Publishers.just(
          HealthResult.builder(NAME, HealthStatus.UP)
              .details(Map.of("worker", "not running in this process"))
              .build());
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("taskQueue", worker.taskQueue());
    details.put("polling", worker.running());
    details.put("temporalReachable", temporalServing());
    return Publishers.just(
        HealthResult.builder(NAME, worker.running() ? HealthStatus.UP : HealthStatus.DOWN)
            .details(details)
            .build());
  }

  private boolean temporalServing() {
    try {
      temporal
          .get()
          .blockingStub()
          // A short deadline keeps /health quick when Temporal hangs.
          .withDeadlineAfter(TEMPORAL_CHECK.toMillis(), TimeUnit.MILLISECONDS)
          .getSystemInfo(GetSystemInfoRequest.getDefaultInstance());
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }
}
