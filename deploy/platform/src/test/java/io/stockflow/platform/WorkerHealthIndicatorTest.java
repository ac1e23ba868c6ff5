package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.stockflow.stock.AvailabilitySettings;
import io.stockflow.workflows.TaskQueues;
import io.stockflow.workflows.worker.WorkerSettings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import reactor.core.publisher.Mono;

@SuppressWarnings("unchecked")
class WorkerHealthIndicatorTest {

  @Test
  void workerRoleWhosePollersDoNotRunIsDown() {
    HealthResult r = result(lifecycle("api,worker"));
    assertThat(r.getStatus()).isEqualTo(HealthStatus.DOWN);
    assertThat((Map<Object, Object>) r.getDetails())
        .containsEntry("polling", false)
        .containsEntry("taskQueue", TaskQueues.STOCKFLOW)
        .containsEntry("temporalReachable", false);
  }

  @Test
  void processWithoutTheWorkerRoleIsUpAndSaysSo() {
    HealthResult r = result(lifecycle("api,consumer"));
    assertThat(r.getStatus()).isEqualTo(HealthStatus.UP);
    assertThat((Map<Object, Object>) r.getDetails())
        .containsEntry("worker", "not running in this process");
  }

  private static HealthResult result(RoleLifecycle lifecycle) {
    var indicator =
        new WorkerHealthIndicator(
            lifecycle,
            () -> {
              throw new IllegalStateException("Temporal is not reachable in this test");
            });
    return Mono.from(indicator.getResult()).block();
  }

  private static RoleLifecycle lifecycle(String roles) {
    // Not started: onStartup never ran, as between a failed start and the process's exit.
    return new RoleLifecycle(
        new PlatformRoles(roles),
        () -> null,
        () -> null,
        () -> null,
        new AvailabilitySettings(5),
        new WorkerSettings(TaskQueues.STOCKFLOW, 1, 1, null, Duration.ofSeconds(1)),
        new Tracing(new TracingConfiguration(null, "stockflow", 1.0), java.util.List.of()));
  }
}
