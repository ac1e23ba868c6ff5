package io.stockflow.workflows.alerts;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.workflows.support.TestEnvironments;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AlertWorkflowTest {
  static final String QUEUE = "alert-test";
  static final AlertPolicy EVERY_HOUR_ESCALATE_AFTER_2 = new AlertPolicy(Duration.ofHours(1), 2);

  TestWorkflowEnvironment env;
  FakeAlertActivities db;
  AlertClient alerts;

  @BeforeEach
  void start() {
    env = TestEnvironments.create();
    db = new FakeAlertActivities();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(AlertWorkflowImpl.class);
    worker.registerActivitiesImplementations(db);
    env.start();
    alerts =
        new AlertClient(
            env.getWorkflowClient(),
            QUEUE,
            new AlertSettings(EVERY_HOUR_ESCALATE_AFTER_2, 10, 0.05));
  }

  @AfterEach
  void stop() {
    env.close();
  }

  AlertInput variance(String countedAt) {
    return new AlertInput(
        AlertKind.COUNT_VARIANCE,
        "JERKY-TERIYAKI-3OZ",
        "SEA1",
        "warning",
        "Cycle count off by 14",
        Map.of("bookOnHand", 40, "countedOnHand", 26),
        countedAt,
        EVERY_HOUR_ESCALATE_AFTER_2);
  }

  AlertResult result(AlertKind kind) {
    return env.getWorkflowClient()
        .newUntypedWorkflowStub(AlertClient.workflowId(kind, "JERKY-TERIYAKI-3OZ", "SEA1"))
        .getResult(AlertResult.class);
  }

  @Test
  void renotifiesEveryIntervalEscalatesAfterTheThresholdAndStopsWhenAcknowledged() {
    assertThat(alerts.raise(variance("2026-11-22T05:00:00Z"))).isTrue();
    assertThat(alerts.raise(variance("2026-11-22T05:00:00Z"))).as("already open").isFalse();
    env.sleep(Duration.ofMinutes(150));
    assertThat(db.notifications)
        .containsExactly(
            "count_variance/JERKY-TERIYAKI-3OZ/SEA1/2026-11-22T05:00:00Z#1",
            "count_variance/JERKY-TERIYAKI-3OZ/SEA1/2026-11-22T05:00:00Z#2",
            "count_variance/JERKY-TERIYAKI-3OZ/SEA1/2026-11-22T05:00:00Z#3 escalated");

    assertThat(alerts.acknowledge(AlertKind.COUNT_VARIANCE, "JERKY-TERIYAKI-3OZ", "SEA1", "maria"))
        .isTrue();
    AlertResult result = result(AlertKind.COUNT_VARIANCE);
    assertThat(result.status()).isEqualTo("acknowledged");
    assertThat(result.closedBy()).isEqualTo("maria");
    assertThat(result.notifyCount()).isEqualTo(3);
    assertThat(db.statuses).containsValue("acknowledged");
    TestEnvironments.recordIfRequested(
        env,
        AlertClient.workflowId(AlertKind.COUNT_VARIANCE, "JERKY-TERIYAKI-3OZ", "SEA1"),
        "alert-acknowledged");

    // The same cycle count replayed through the changefeed: its episode was handled.
    alerts.raise(variance("2026-11-22T05:00:00Z"));
    assertThat(result(AlertKind.COUNT_VARIANCE).status()).isEqualTo("not_needed");
    assertThat(db.notifications).hasSize(3);
  }

  @Test
  void acknowledgedLowStockStaysQuietUntilTheConditionClears() {
    alerts.raise(
        new AlertInput(
            AlertKind.LOW_STOCK,
            "JERKY-TERIYAKI-3OZ",
            "SEA1",
            "warning",
            "Only 3 left",
            Map.of(),
            null,
            EVERY_HOUR_ESCALATE_AFTER_2));
    env.sleep(Duration.ofMinutes(10));
    alerts.acknowledge(AlertKind.LOW_STOCK, "JERKY-TERIYAKI-3OZ", "SEA1", "sam");
    env.sleep(Duration.ofHours(5));
    assertThat(db.notifications).hasSize(1);
    assertThat(
            alerts.raise(
                new AlertInput(
                    AlertKind.LOW_STOCK,
                    "JERKY-TERIYAKI-3OZ",
                    "SEA1",
                    "warning",
                    "Only 2 left",
                    Map.of(),
                    null,
                    EVERY_HOUR_ESCALATE_AFTER_2)))
        .as("still the same episode")
        .isFalse();

    db.conditionHolds = false;
    AlertResult result = result(AlertKind.LOW_STOCK);
    assertThat(result.status()).isEqualTo("resolved");
    assertThat(db.statuses).containsEntry("low_stock/JERKY-TERIYAKI-3OZ/SEA1/1", "resolved");
  }

  @Test
  void significantVarianceIsMoreThan10UnitsOrMoreThan5Percent() {
    assertThat(alerts.significantVariance(40, 26)).isTrue();
    assertThat(alerts.significantVariance(100, 94)).isTrue();
    assertThat(alerts.significantVariance(100, 95)).isFalse();
    assertThat(alerts.significantVariance(1000, 990)).isFalse();
    assertThat(alerts.significantVariance(0, 10)).isFalse();
    assertThat(alerts.significantVariance(0, 11)).isTrue();
  }
}
