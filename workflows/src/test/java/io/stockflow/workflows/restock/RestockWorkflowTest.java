package io.stockflow.workflows.restock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.alerts.AlertClient;
import io.stockflow.workflows.alerts.AlertKind;
import io.stockflow.workflows.alerts.AlertPolicy;
import io.stockflow.workflows.alerts.AlertWorkflowImpl;
import io.stockflow.workflows.alerts.FakeAlertActivities;
import io.stockflow.workflows.support.TestEnvironments;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RestockWorkflowTest {
  static final String QUEUE = "restock-test";
  static final String SKU = "JERKY-TERIYAKI-3OZ";
  static final String LOC = "SEA1";
  static final RestockSettings SETTINGS =
      new RestockSettings(
          Duration.ofDays(2), Duration.ofHours(1), new AlertPolicy(Duration.ofHours(4), 2));

  TestWorkflowEnvironment env;
  FakeRestockActivities row;
  FakeAlertActivities alerts;
  RestockClient restock;
  WorkflowClient client;

  @BeforeEach
  void start() {
    env = TestEnvironments.create();
    // on_hand 12, reorder point 20, max 150: needs 138.
    row = new FakeRestockActivities(12, 20, 150, () -> env.currentTimeMillis());
    alerts = new FakeAlertActivities();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(RestockWorkflowImpl.class, AlertWorkflowImpl.class);
    worker.registerActivitiesImplementations(row, alerts);
    env.start();
    client = env.getWorkflowClient();
    restock = new RestockClient(client, QUEUE, SETTINGS);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  StockSnapshot snapshot(String hlc) {
    return new StockSnapshot(
        SKU,
        LOC,
        row.onHand,
        row.allocated,
        0,
        0,
        row.inTransitIn,
        20,
        5,
        150,
        true,
        false,
        null,
        hlc);
  }

  RestockResult result() {
    return restock.episode(SKU, LOC).getResult(RestockResult.class);
  }

  @Test
  void secondTriggerAndTheInTransitEchoDuringAnOpenEpisodeOrderNothingMore() {
    restock.onStockChanged(snapshot("1.0"));
    env.sleep(Duration.ofMinutes(1));
    // The order's own in_transit_in write comes back through the changefeed, then a sale.
    restock.onStockChanged(snapshot("2.0"));
    row.onHand -= 2;
    restock.onStockChanged(snapshot("3.0"));
    env.sleep(Duration.ofMinutes(1));

    assertThat(row.orders).hasSize(1);
    assertThat(row.orders.get(0).quantity()).isEqualTo(138);
    assertThat(row.orders.get(0).episodeKey()).isEqualTo("restock/JERKY-TERIYAKI-3OZ/SEA1/1");
    assertThat(row.inTransitIn).isEqualTo(138);

    row.receive();
    restock.onStockChanged(snapshot("4.0"));
    RestockResult result = result();
    assertThat(result.outcome()).isEqualTo(RestockResult.Outcome.RECEIVED);
    assertThat(result.late()).isFalse();
    assertThat(row.status).isEqualTo("received");
    assertThat(row.escalated).isEmpty();
    TestEnvironments.recordIfRequested(env, RestockClient.workflowId(SKU, LOC), "restock-received");
  }

  @Test
  void overdueOrderEscalatesOnceThenCompletesAndResolvesTheAlertOnReceipt() {
    restock.onStockChanged(snapshot("1.0"));
    env.sleep(Duration.ofDays(3));

    assertThat(row.escalated).containsExactly("restock/JERKY-TERIYAKI-3OZ/SEA1/1");
    assertThat(row.status).isEqualTo("late");
    assertThat(alerts.notifications)
        .contains(
            "restock_late/JERKY-TERIYAKI-3OZ/SEA1/1#1",
            "restock_late/JERKY-TERIYAKI-3OZ/SEA1/1#3 escalated");

    row.receive();
    restock.onStockChanged(snapshot("5.0"));
    RestockResult result = result();
    assertThat(result.outcome()).isEqualTo(RestockResult.Outcome.RECEIVED);
    assertThat(result.late()).isTrue();
    assertThat(row.orders).hasSize(1);
    client
        .newUntypedWorkflowStub(AlertClient.workflowId(AlertKind.RESTOCK_LATE, SKU, LOC))
        .getResult(Object.class);
    assertThat(alerts.statuses).containsEntry("restock_late/JERKY-TERIYAKI-3OZ/SEA1/1", "resolved");
    TestEnvironments.recordIfRequested(env, RestockClient.workflowId(SKU, LOC), "restock-late");
  }

  @Test
  void receiptWithoutAnySignalIsFoundByThePeriodicCheck() {
    restock.onStockChanged(snapshot("1.0"));
    env.sleep(Duration.ofMinutes(5));
    row.receive();
    env.sleep(Duration.ofHours(1));
    assertThat(result().outcome()).isEqualTo(RestockResult.Outcome.RECEIVED);
    assertThat(row.escalated).isEmpty();
  }

  @Test
  void replayedChangeAfterTheEpisodeCompletedOrdersNothing() {
    StockSnapshot trigger = snapshot("1.0");
    restock.onStockChanged(trigger);
    env.sleep(Duration.ofMinutes(1));
    row.receive();
    restock.onStockChanged(snapshot("2.0"));
    assertThat(result().outcome()).isEqualTo(RestockResult.Outcome.RECEIVED);

    restock.onStockChanged(trigger);
    assertThat(result().outcome()).isEqualTo(RestockResult.Outcome.NOT_NEEDED);
    assertThat(row.orders).hasSize(1);
  }

  @Test
  void aChangeOfARowThatIsNotLowStartsNothing() {
    row.onHand = 100;
    restock.onStockChanged(snapshot("1.0"));
    assertThat(row.orders).isEmpty();
    assertThatThrownBy(
            () ->
                client
                    .getWorkflowServiceStubs()
                    .blockingStub()
                    .describeWorkflowExecution(
                        DescribeWorkflowExecutionRequest.newBuilder()
                            .setNamespace(env.getNamespace())
                            .setExecution(
                                WorkflowExecution.newBuilder()
                                    .setWorkflowId(RestockClient.workflowId(SKU, LOC)))
                            .build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }
}
