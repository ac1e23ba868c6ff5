package io.stockflow.workflows.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.workflows.alerts.AlertClient;
import io.stockflow.workflows.alerts.AlertKind;
import io.stockflow.workflows.alerts.AlertPolicy;
import io.stockflow.workflows.alerts.AlertResult;
import io.stockflow.workflows.alerts.AlertWorkflowImpl;
import io.stockflow.workflows.alerts.FakeAlertActivities;
import io.stockflow.workflows.orders.OrderFulfilmentClient.Action;
import io.stockflow.workflows.orders.OrderFulfilmentResult.Outcome;
import io.stockflow.workflows.support.TestEnvironments;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The order fulfilment SLA on Temporal's time-skipping test server, the database stubbed by {@link
 * #dbStatus} (which every update also sets: the row commits before the changefeed reports it) and
 * alerts by {@link FakeAlertActivities} behind the real alert workflow.
 */
class OrderFulfilmentWorkflowTest {
  static final String QUEUE = "order-fulfilment-test";
  static final String ORDER = "5b0f6d7e-2f4c-4d0a-9a57-0c1f3e1d2a01";
  static final String LOC = "SEA1";
  static final OrderFulfilmentSettings SETTINGS =
      new OrderFulfilmentSettings(
          Duration.ofHours(24), Duration.ofHours(72), new AlertPolicy(Duration.ofHours(4), 2));
  static final String LATE_EPISODE = "order_late/-/SEA1/" + ORDER;

  TestWorkflowEnvironment env;
  WorkflowClient client;
  OrderFulfilmentClient orders;
  FakeAlertActivities alerts;
  volatile String dbStatus;
  final AtomicInteger dbReads = new AtomicInteger();
  long hlcWall;

  @BeforeEach
  void start() {
    env = TestEnvironments.create();
    alerts = new FakeAlertActivities();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(
        OrderFulfilmentWorkflowImpl.class, AlertWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        (OrderFulfilmentActivities)
            orderId -> {
              dbReads.incrementAndGet();
              return orderId.equals(ORDER) ? dbStatus : null;
            },
        alerts);
    env.start();
    client = env.getWorkflowClient();
    orders = new OrderFulfilmentClient(client, QUEUE, SETTINGS);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  /** The next change of the order, committed now (its HLC grows with every call). */
  OrderStatusUpdate commit(String status) {
    dbStatus = status;
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    hlcWall = Math.max(hlcWall + 1, now.toEpochMilli() * 1_000_000L);
    return new OrderStatusUpdate(ORDER, LOC, status, hlcWall + ".0000000000", now);
  }

  OrderFulfilmentResult result() {
    return orders.workflow(ORDER).getResult(OrderFulfilmentResult.class);
  }

  OrderStatusUpdate latest() {
    return client
        .newWorkflowStub(OrderFulfilmentWorkflow.class, OrderFulfilmentClient.workflowId(ORDER))
        .latest();
  }

  List<String> lateAlertOpens() {
    return alerts.opens.stream().filter(o -> o.startsWith("order_late/")).toList();
  }

  WorkflowExecutionStatus status(String workflowId) {
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getWorkflowExecutionInfo()
        .getStatus();
  }

  @Test
  void anOrderShippedBeforeTheDeadlineCompletesWithoutAlertOrDatabaseRead() {
    assertThat(orders.onOrderChanged(commit("confirmed"))).isEqualTo(Action.SIGNALLED_WITH_START);
    env.sleep(Duration.ofHours(3));
    assertThat(orders.onOrderChanged(commit("picked"))).isEqualTo(Action.SIGNALLED_WITH_START);
    env.sleep(Duration.ofHours(2));
    assertThat(orders.onOrderChanged(commit("packed"))).isEqualTo(Action.SIGNALLED_WITH_START);
    env.sleep(Duration.ofHours(1));
    assertThat(orders.onOrderChanged(commit("shipped"))).isEqualTo(Action.SIGNALLED);

    OrderFulfilmentResult result = result();
    assertThat(result.outcome()).isEqualTo(Outcome.SHIPPED);
    assertThat(result.finalStatus()).isEqualTo("shipped");
    assertThat(alerts.opens).isEmpty();
    assertThat(dbReads).hasValue(0);
    // Delivery after completion reaches no workflow and starts none.
    assertThat(orders.onOrderChanged(commit("delivered"))).isEqualTo(Action.NOTHING);
    TestEnvironments.recordIfRequested(
        env, OrderFulfilmentClient.workflowId(ORDER), "order-fulfilment-shipped");
  }

  @Test
  void anOrderCancelledBeforeTheDeadlineCompletesCancelled() {
    orders.onOrderChanged(commit("confirmed"));
    env.sleep(Duration.ofHours(5));
    assertThat(orders.onOrderChanged(commit("cancelled"))).isEqualTo(Action.SIGNALLED);

    OrderFulfilmentResult result = result();
    assertThat(result.outcome()).isEqualTo(Outcome.CANCELLED);
    assertThat(result.finalStatus()).isEqualTo("cancelled");
    assertThat(alerts.opens).isEmpty();
  }

  @Test
  void aLateOrderRaisesExactlyOneAlertThenCompletesLateAndResolvesItWhenShipped() {
    OrderStatusUpdate confirmed = commit("confirmed");
    orders.onOrderChanged(confirmed);
    env.sleep(Duration.ofHours(2));
    orders.onOrderChanged(commit("picked"));
    env.sleep(Duration.ofHours(23));

    assertThat(lateAlertOpens()).containsExactly("order_late/" + ORDER);
    assertThat(alerts.statuses).containsOnlyKeys(LATE_EPISODE).containsEntry(LATE_EPISODE, "open");
    assertThat(dbReads).hasValue(1);

    // The alert repeats and escalates on its own rhythm; the order workflow raises nothing more,
    // whatever else happens to the order.
    orders.onOrderChanged(commit("packed"));
    env.sleep(Duration.ofHours(9));
    assertThat(lateAlertOpens()).hasSize(1);
    assertThat(alerts.notifications)
        .containsExactly(LATE_EPISODE + "#1", LATE_EPISODE + "#2", LATE_EPISODE + "#3 escalated");

    orders.onOrderChanged(commit("shipped"));
    OrderFulfilmentResult result = result();
    assertThat(result.outcome()).isEqualTo(Outcome.LATE);
    assertThat(result.finalStatus()).isEqualTo("shipped");
    assertThat(result.shipBy()).isEqualTo(confirmed.changedAt().plus(Duration.ofHours(24)));
    AlertResult alert =
        client
            .newUntypedWorkflowStub(AlertClient.workflowId(AlertKind.ORDER_LATE, null, LOC, ORDER))
            .getResult(AlertResult.class);
    assertThat(alert.status()).isEqualTo("resolved");
    assertThat(alerts.statuses).containsEntry(LATE_EPISODE, "resolved");

    // Replaying the order's row later (or redelivering an old change) starts nothing again. (No
    // env.sleep from here on: after a workflow signalled another, the test server's time skipping
    // stays locked — temporalio/sdk-java#1618.)
    assertThat(orders.onOrderChanged(commit("shipped"))).isEqualTo(Action.NOTHING);
    assertThat(orders.onOrderChanged(commit("packed"))).isEqualTo(Action.NOTHING);
    assertThat(lateAlertOpens()).hasSize(1);
    TestEnvironments.recordIfRequested(
        env, OrderFulfilmentClient.workflowId(ORDER), "order-fulfilment-late");
  }

  @Test
  void aLateOrderThatNeverShipsGivesUpAtTheSecondDeadlineLeavingTheAlertToPeople() {
    orders.onOrderChanged(commit("confirmed"));
    env.sleep(Duration.ofHours(30));
    assertThat(lateAlertOpens()).hasSize(1);
    assertThat(new AlertClient(client, QUEUE).acknowledgeEpisode(LATE_EPISODE, "maria")).isTrue();

    OrderFulfilmentResult result = result();
    assertThat(result.outcome()).isEqualTo(Outcome.LATE);
    assertThat(result.finalStatus()).isEqualTo("confirmed");
    assertThat(lateAlertOpens()).hasSize(1);
    assertThat(alerts.statuses).containsEntry(LATE_EPISODE, "acknowledged");
    assertThat(dbReads).as("at the ship-by and the give-up deadline").hasValue(2);
  }

  @Test
  void shippedInTheDatabaseButNotYetSignalledAtTheDeadlineIsNotLate() {
    orders.onOrderChanged(commit("confirmed"));
    env.sleep(Duration.ofHours(20));
    commit("shipped"); // the changefeed lags: no signal yet

    OrderFulfilmentResult result = result();
    assertThat(result.outcome()).isEqualTo(Outcome.SHIPPED);
    assertThat(result.finalStatus()).isEqualTo("shipped");
    assertThat(alerts.opens).isEmpty();
    assertThat(dbReads).hasValue(1);
  }

  @Test
  void staleAndOutOfOrderSignalsAreIgnored() {
    OrderStatusUpdate confirmed = commit("confirmed");
    OrderStatusUpdate cancelledThenReverted = commit("cancelled");
    OrderStatusUpdate picked = commit("picked");
    orders.onOrderChanged(confirmed);
    orders.onOrderChanged(picked);
    env.sleep(Duration.ofMinutes(1));
    // Older changes delivered late, and a redelivery of the newest: none of them counts.
    assertThat(orders.onOrderChanged(cancelledThenReverted)).isEqualTo(Action.SIGNALLED);
    orders.onOrderChanged(confirmed);
    orders.onOrderChanged(picked);
    env.sleep(Duration.ofMinutes(1));

    assertThat(latest()).isEqualTo(picked);
    assertThat(status(OrderFulfilmentClient.workflowId(ORDER)))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);

    orders.onOrderChanged(commit("shipped"));
    assertThat(result().outcome()).isEqualTo(Outcome.SHIPPED);
    assertThat(alerts.opens).isEmpty();
  }

  @Test
  void aDuplicateStartIsHarmlessOneRunAndOneAlert() {
    OrderStatusUpdate confirmed = commit("confirmed");
    assertThat(orders.onOrderChanged(confirmed)).isEqualTo(Action.SIGNALLED_WITH_START);
    assertThat(orders.onOrderChanged(confirmed)).isEqualTo(Action.SIGNALLED_WITH_START);
    env.sleep(Duration.ofMinutes(1));
    assertThat(orders.onOrderChanged(confirmed)).isEqualTo(Action.SIGNALLED_WITH_START);

    assertThat(result().outcome()).isEqualTo(Outcome.LATE);
    assertThat(lateAlertOpens()).containsExactly("order_late/" + ORDER);
    long starts =
        client.fetchHistory(OrderFulfilmentClient.workflowId(ORDER)).getEvents().stream()
            .filter(e -> e.getEventType() == EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED)
            .count();
    assertThat(starts).isEqualTo(1);
  }

  @Test
  void pendingAndTerminalStatusesStartNothing() {
    assertThat(orders.onOrderChanged(commit("pending"))).isEqualTo(Action.NOTHING);
    assertThat(orders.onOrderChanged(commit("cancelled"))).isEqualTo(Action.NOTHING);
    env.sleep(Duration.ofDays(2));
    assertThat(alerts.opens).isEmpty();
    assertThat(dbReads).hasValue(0);
  }

  @Test
  void theSlaClockStartsAtTheCommitOfTheConfirmationNotWhenTheWorkflowStarts() {
    OrderStatusUpdate confirmed = commit("confirmed");
    env.sleep(Duration.ofHours(20)); // the consumer was down
    orders.onOrderChanged(confirmed);
    env.sleep(Duration.ofHours(5));
    assertThat(lateAlertOpens()).hasSize(1);
    orders.onOrderChanged(commit("cancelled"));
    OrderFulfilmentResult result = result();
    assertThat(result.outcome()).isEqualTo(Outcome.LATE);
    assertThat(result.finalStatus()).isEqualTo("cancelled");
    assertThat(result.shipBy()).isEqualTo(confirmed.changedAt().plus(Duration.ofHours(24)));
  }
}
