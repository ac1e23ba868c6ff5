package io.stockflow.workflows.restock;

import io.stockflow.stock.AlertSeverity;
import io.stockflow.workflows.ActivityPolicies;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.alerts.AlertInput;
import io.stockflow.workflows.alerts.AlertKind;
import io.stockflow.workflows.alerts.AlertsFromWorkflow;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Restock episode: {@link RestockActivities#openEpisode} orders once (or adopts the open order),
 * then the workflow waits for the receipt, checking the database whenever a stock signal looks like
 * one and at least every {@code receiptCheckInterval}; past {@code due_at} it marks the order late
 * and starts a {@code restock_late} alert workflow, and keeps waiting until the order is received
 * or cancelled.
 *
 * <p>The run keeps no state the database does not also hold, so continue-as-new (on a very long
 * wait) and a re-drive after termination simply call {@code openEpisode} again, which adopts the
 * open order.
 */
public class RestockWorkflowImpl implements RestockWorkflow {
  private static final Logger log = Workflow.getLogger(RestockWorkflowImpl.class);

  private final RestockActivities db =
      Workflow.newActivityStub(RestockActivities.class, ActivityPolicies.DATABASE);

  private PurchaseOrder order;
  private boolean receiptHinted;

  @Override
  public RestockResult run(RestockInput input) {
    order = db.openEpisode(input.sku(), input.locationId(), input.leadTime());
    if (order == null) {
      return new RestockResult(RestockResult.Outcome.NOT_NEEDED, null, 0, false);
    }
    boolean late = order.late();
    // The first check is immediate: an adopted order may have arrived while no run was watching,
    // and stock signals that came before the order was known were ignored.
    boolean checkNow = true;
    while (true) {
      Duration wait = checkNow ? Duration.ZERO : input.receiptCheckInterval();
      checkNow = false;
      if (!late) {
        Duration untilDue =
            Duration.ofMillis(
                Math.max(0, order.dueAt().toEpochMilli() - Workflow.currentTimeMillis()));
        if (untilDue.compareTo(wait) < 0) wait = untilDue;
      }
      if (!wait.isZero()) Workflow.await(wait, () -> receiptHinted);
      receiptHinted = false;
      switch (db.checkReceipt(order)) {
        case RECEIVED -> {
          if (late) resolveLateAlert(input);
          return new RestockResult(
              RestockResult.Outcome.RECEIVED, order.episodeKey(), order.quantity(), late);
        }
        case CANCELLED -> {
          if (late) resolveLateAlert(input);
          return new RestockResult(
              RestockResult.Outcome.CANCELLED, order.episodeKey(), order.quantity(), late);
        }
        case OPEN -> {}
      }
      if (!late && Workflow.currentTimeMillis() >= order.dueAt().toEpochMilli()) {
        db.escalateLate(order);
        raiseLateAlert(input);
        late = true;
      }
      if (Workflow.getInfo().isContinueAsNewSuggested()) {
        // Stock signals only hint at a receipt and the next run checks the database first, so
        // nothing needs carrying over.
        Workflow.continueAsNew(input);
      }
    }
  }

  @Override
  public void stockChanged(StockSnapshot snapshot) {
    // Before the order exists every snapshot predates it (the trigger itself), so none can be its
    // receipt.
    if (order != null && order.looksReceived(snapshot.onHand(), snapshot.inTransitIn())) {
      receiptHinted = true;
    }
  }

  private void raiseLateAlert(RestockInput input) {
    AlertInput alert =
        new AlertInput(
            AlertKind.RESTOCK_LATE,
            order.sku(),
            order.locationId(),
            AlertSeverity.WARNING.code(),
            "Purchase order "
                + order.episodeKey()
                + " for "
                + order.quantity()
                + " units is past due ("
                + order.dueAt()
                + ")",
            Map.of(
                "purchaseOrderId", order.id(),
                "episodeKey", order.episodeKey(),
                "quantity", order.quantity(),
                "dueAt", order.dueAt().toString()),
            // The order's episode number: one late alert per purchase order, replay-proof.
            order.episodeKey().substring(order.episodeKey().lastIndexOf('/') + 1),
            input.lateAlert());
    if (!AlertsFromWorkflow.start(alert)) {
      log.info("restock_late alert for {} already open", order.episodeKey());
    }
  }

  private void resolveLateAlert(RestockInput input) {
    AlertsFromWorkflow.resolve(AlertKind.RESTOCK_LATE, input.sku(), input.locationId());
  }
}
