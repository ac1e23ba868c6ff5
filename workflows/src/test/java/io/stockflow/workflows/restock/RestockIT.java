package io.stockflow.workflows.restock;

import static io.stockflow.db.jooq.Tables.PURCHASE_ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stockflow.db.Database;
import io.stockflow.testsupport.PostgresExtension;
import io.stockflow.testsupport.TemporalExtension;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.stockflow.workflows.support.RealStack;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jooq.Condition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Restock against the real Temporal dev server and real PostgreSQL, worker in this JVM. */
class RestockIT {
  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  @RegisterExtension
  static final TemporalExtension temporal =
      TemporalExtension.withSearchAttributes(StockflowSearchAttributes.DEV_SERVER_FLAGS);

  /**
   * The class's tests share its database and run in any order: each counts its own SKU's orders.
   */
  static final Condition TERIYAKI = PURCHASE_ORDERS.SKU.eq("JERKY-TERIYAKI-3OZ");

  static RealStack stack;
  static RestockClient restock;

  @BeforeAll
  static void start() {
    stack =
        new RealStack(
            postgres.dataSource(),
            temporal.target(),
            RealStack.testSettings(temporal.taskQueue(), null));
    restock = new RestockClient(stack.client(), stack.taskQueue());
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.close();
  }

  @Test
  void twoTriggersCreateExactlyOnePurchaseOrderAndTheReceiptCompletesTheEpisode() throws Exception {
    stack.seedRow("JERKY-TERIYAKI-3OZ", "SEA1", 40, 20, 5, 150);
    // A sale takes the row below its reorder point; the subprocessor would see this change twice
    // (at-least-once), and then the echo of the workflow's own in_transit_in write.
    stack.sql.execute(
        "UPDATE inventory_levels SET on_hand = 12 WHERE sku = 'JERKY-TERIYAKI-3OZ' AND location_id = 'SEA1'");
    var trigger = stack.snapshot("JERKY-TERIYAKI-3OZ", "SEA1");
    restock.onStockChanged(trigger);
    restock.onStockChanged(trigger);

    await("one purchase order")
        .atMost(Duration.ofSeconds(60))
        .until(() -> stack.sql.fetchCount(PURCHASE_ORDERS, TERIYAKI) == 1);
    var po = stack.sql.selectFrom(PURCHASE_ORDERS).where(TERIYAKI).fetchOne();
    assertThat(po.getQuantity()).isEqualTo(150 - 12 - 0);
    assertThat(po.getEpisodeKey()).isEqualTo("restock/JERKY-TERIYAKI-3OZ/SEA1/1");
    assertThat(po.getStatus()).isEqualTo("open");
    var echo = stack.snapshot("JERKY-TERIYAKI-3OZ", "SEA1");
    assertThat(echo.inTransitIn()).isEqualTo(138);
    restock.onStockChanged(echo);
    restock.onStockChanged(trigger);

    await("visible in the Web UI's list by Sku and Kind")
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                stack
                        .service()
                        .blockingStub()
                        .listWorkflowExecutions(
                            ListWorkflowExecutionsRequest.newBuilder()
                                .setNamespace(RealStack.NAMESPACE)
                                .setQuery(
                                    "Sku = 'JERKY-TERIYAKI-3OZ' AND LocationId = 'SEA1' AND Kind = 'restock'")
                                .build())
                        .getExecutionsCount()
                    == 1);

    stack.sql.execute(
        "UPDATE inventory_levels SET on_hand = on_hand + 138, in_transit_in = in_transit_in - 138"
            + " WHERE sku = 'JERKY-TERIYAKI-3OZ' AND location_id = 'SEA1'");
    restock.onStockChanged(stack.snapshot("JERKY-TERIYAKI-3OZ", "SEA1"));

    RestockResult result =
        restock
            .episode("JERKY-TERIYAKI-3OZ", "SEA1")
            .getResult(60, TimeUnit.SECONDS, RestockResult.class);
    assertThat(result.outcome()).isEqualTo(RestockResult.Outcome.RECEIVED);
    assertThat(stack.sql.selectFrom(PURCHASE_ORDERS).where(TERIYAKI).fetchOne().getStatus())
        .isEqualTo("received");

    // A replay of the old trigger after completion: a new run looks, orders nothing.
    restock.onStockChanged(trigger);
    assertThat(
            restock
                .episode("JERKY-TERIYAKI-3OZ", "SEA1")
                .getResult(60, TimeUnit.SECONDS, RestockResult.class)
                .outcome())
        .isEqualTo(RestockResult.Outcome.NOT_NEEDED);
    assertThat(stack.sql.fetchCount(PURCHASE_ORDERS, TERIYAKI)).isEqualTo(1);
    assertThat(stack.status(RestockClient.workflowId("JERKY-TERIYAKI-3OZ", "SEA1")))
        .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED);
  }

  @Test
  void terminatedEpisodeReDrivenAfterTheGoodsArrivedAdoptsAndClosesItsOrder() throws Exception {
    stack.seedRow("JERKY-PEPPERED-3OZ", "SEA1", 3, 10, 0, 50);
    var trigger = stack.snapshot("JERKY-PEPPERED-3OZ", "SEA1");
    restock.onStockChanged(trigger);
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                stack.sql.fetchCount(PURCHASE_ORDERS, PURCHASE_ORDERS.SKU.eq("JERKY-PEPPERED-3OZ"))
                    == 1);
    // Terminated while it only waits for the goods: an activity still running when the run is
    // terminated finishes anyway, and its receipt check could close the order before the re-drive.
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                stack.pendingActivities(RestockClient.workflowId("JERKY-PEPPERED-3OZ", "SEA1"))
                    == 0);
    restock.episode("JERKY-PEPPERED-3OZ", "SEA1").terminate("ops test");
    // The goods arrive while no run watches the order; then the trigger is re-driven (replay).
    stack.sql.execute(
        "UPDATE inventory_levels SET on_hand = on_hand + 47, in_transit_in = in_transit_in - 47"
            + " WHERE sku = 'JERKY-PEPPERED-3OZ' AND location_id = 'SEA1'");
    restock.onStockChanged(trigger);
    assertThat(
            restock
                .episode("JERKY-PEPPERED-3OZ", "SEA1")
                .getResult(60, TimeUnit.SECONDS, RestockResult.class)
                .outcome())
        .isEqualTo(RestockResult.Outcome.RECEIVED);
    assertThat(stack.sql.fetchCount(PURCHASE_ORDERS, PURCHASE_ORDERS.SKU.eq("JERKY-PEPPERED-3OZ")))
        .isEqualTo(1);
  }
}
