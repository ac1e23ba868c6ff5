package io.stockflow.subprocessors.orders;

import static io.stockflow.subprocessors.orders.OrderFulfilmentSubprocessorTest.ID;
import static io.stockflow.subprocessors.orders.OrderFulfilmentSubprocessorTest.JSON;
import static io.stockflow.subprocessors.orders.OrderFulfilmentSubprocessorTest.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.stockflow.workflows.alerts.AlertPolicy;
import io.stockflow.workflows.orders.OrderFulfilmentActivities;
import io.stockflow.workflows.orders.OrderFulfilmentClient;
import io.stockflow.workflows.orders.OrderFulfilmentResult;
import io.stockflow.workflows.orders.OrderFulfilmentSettings;
import io.stockflow.workflows.orders.OrderFulfilmentWorkflow;
import io.stockflow.workflows.orders.OrderFulfilmentWorkflowImpl;
import io.stockflow.workflows.orders.OrderStatusUpdate;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * process() turns a change into the workflow's signal (the row's id, location and status; the
 * change's HLC as version and its wall time as commit time), on Temporal's test server.
 */
class OrderFulfilmentSubprocessorProcessTest {
  static final String QUEUE = "order-fulfilment-subprocessor-test";

  TestWorkflowEnvironment env;
  OrderFulfilmentSubprocessor subprocessor;

  @BeforeEach
  void start() {
    env = TestWorkflowEnvironment.newInstance();
    StockflowSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(OrderFulfilmentWorkflowImpl.class);
    worker.registerActivitiesImplementations((OrderFulfilmentActivities) id -> "shipped");
    env.start();
    var sla =
        new OrderFulfilmentSettings(Duration.ofHours(24), Duration.ofDays(7), AlertPolicy.DEFAULT);
    subprocessor =
        new OrderFulfilmentSubprocessor(
            new OrderFulfilmentClient(env.getWorkflowClient(), QUEUE, sla));
  }

  @AfterEach
  void stop() {
    env.close();
  }

  ChangeEvent update(String before, String after, Hlc updated) {
    return new ChangeEvent(
        "orders",
        0,
        1,
        JSON.createArrayNode().add(ID),
        row(before),
        row(after),
        updated,
        Operation.UPDATE,
        false);
  }

  @Test
  void aConfirmationStartsTheOrdersWorkflowAndShippingEndsIt() {
    Instant committed = Instant.ofEpochMilli(env.currentTimeMillis()).plusNanos(1_234);
    subprocessor.process(update("pending", "confirmed", Hlc.of(committed)));

    OrderStatusUpdate latest =
        env.getWorkflowClient()
            .newWorkflowStub(OrderFulfilmentWorkflow.class, OrderFulfilmentClient.workflowId(ID))
            .latest();
    assertThat(latest)
        .isEqualTo(
            new OrderStatusUpdate(
                ID, "SEA1", "confirmed", Hlc.of(committed).toString(), committed));

    subprocessor.process(
        update("confirmed", "shipped", Hlc.of(committed.plus(Duration.ofHours(3)))));
    OrderFulfilmentResult result =
        env.getWorkflowClient()
            .newUntypedWorkflowStub(OrderFulfilmentClient.workflowId(ID))
            .getResult(OrderFulfilmentResult.class);
    assertThat(result.outcome()).isEqualTo(OrderFulfilmentResult.Outcome.SHIPPED);
    assertThat(result.shipBy()).isEqualTo(committed.plus(Duration.ofHours(24)));
  }
}
