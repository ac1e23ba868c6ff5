package io.stockflow.workflows.orders;

import io.stockflow.stock.AlertSeverity;
import io.stockflow.stock.OrderStatus;
import io.stockflow.workflows.ActivityPolicies;
import io.stockflow.workflows.alerts.AlertInput;
import io.stockflow.workflows.alerts.AlertKind;
import io.stockflow.workflows.alerts.AlertsFromWorkflow;
import io.stockflow.workflows.orders.OrderFulfilmentResult.Outcome;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;

/**
 * Order fulfilment SLA: sleeps until the ship-by deadline (confirmation + {@code shipBy}), woken by
 * status signals; shipped, delivered or cancelled before it completes the workflow. At the deadline
 * it asks the database (the changefeed may lag) and, if the order is still not shipped, raises one
 * {@code order_late} alert (an abandoned child, episode = the order id, so a re-driven run finds
 * the alert it already raised), then waits until the give-up deadline for the order to end, and
 * resolves the alert when it does.
 *
 * <p>State is the newest status update and whether the alert was raised; both are carried over
 * continue-as-new, and the deadlines derive from the input only.
 */
public class OrderFulfilmentWorkflowImpl implements OrderFulfilmentWorkflow {
  private static final Logger log = Workflow.getLogger(OrderFulfilmentWorkflowImpl.class);

  private final OrderFulfilmentActivities db =
      Workflow.newActivityStub(OrderFulfilmentActivities.class, ActivityPolicies.DATABASE);

  private OrderStatusUpdate latest;
  private boolean woken;

  @Override
  public OrderFulfilmentResult run(OrderFulfilmentInput input) {
    // The SignalWithStart signal carries the same update as the input and is normally handled
    // first; the input matters after continue-as-new (the carried state) and if there is no signal.
    if (input.latest() != null && input.latest().isNewerThan(latest)) latest = input.latest();
    Instant confirmedAt =
        input.confirmedAt() != null
            ? input.confirmedAt()
            : Instant.ofEpochMilli(Workflow.currentTimeMillis());
    Instant shipBy = confirmedAt.plus(input.shipBy());
    Instant giveUp = confirmedAt.plus(input.giveUpAfter());
    boolean alerted = input.lateAlertRaised();

    if (!alerted) {
      if (awaitEnd(shipBy, input, confirmedAt, false)) return ended(latest.status(), shipBy);
      String current = db.currentStatus(input.orderId());
      // A signal that came in while the database was being read is at least as new.
      if (ended()) return ended(latest.status(), shipBy);
      if (current == null) return new OrderFulfilmentResult(Outcome.GONE, null, shipBy);
      if (OrderStatus.isTerminal(current)) return ended(current, shipBy);
      raiseLateAlert(input, current, confirmedAt, shipBy);
      alerted = true;
    }

    String finalStatus;
    if (awaitEnd(giveUp, input, confirmedAt, true)) {
      finalStatus = latest.status();
    } else {
      finalStatus = db.currentStatus(input.orderId());
      if (!ended() && finalStatus != null && !OrderStatus.isTerminal(finalStatus)) {
        log.warn(
            "order {} still {} at the give-up deadline {}; its order_late alert stays open",
            input.orderId(),
            finalStatus,
            giveUp);
        return new OrderFulfilmentResult(Outcome.LATE, finalStatus, shipBy);
      }
      if (ended()) finalStatus = latest.status();
    }
    AlertsFromWorkflow.resolve(
        AlertKind.ORDER_LATE, null, input.locationId(), lateAlertEpisode(input));
    return new OrderFulfilmentResult(Outcome.LATE, finalStatus, shipBy);
  }

  @Override
  public void statusChanged(OrderStatusUpdate update) {
    apply(update);
  }

  @Override
  public OrderStatusUpdate latest() {
    return latest;
  }

  private void apply(OrderStatusUpdate update) {
    if (update == null) return;
    if (!update.isNewerThan(latest)) {
      log.debug(
          "stale status {} (version {}) ignored; holding {} (version {})",
          update.status(),
          update.version(),
          latest.status(),
          latest.version());
      return;
    }
    latest = update;
    woken = true;
  }

  private boolean ended() {
    return latest != null && OrderStatus.isTerminal(latest.status());
  }

  /**
   * Waits until the order ends or {@code deadline} passes; true when it ended. Every newer status
   * wakes it (to consider continue-as-new; the timer is then set again to the same deadline).
   */
  private boolean awaitEnd(
      Instant deadline, OrderFulfilmentInput input, Instant confirmedAt, boolean alerted) {
    while (!ended()) {
      long left = deadline.toEpochMilli() - Workflow.currentTimeMillis();
      if (left <= 0) return false;
      woken = false;
      Workflow.await(Duration.ofMillis(left), () -> woken);
      if (!ended() && Workflow.getInfo().isContinueAsNewSuggested()) {
        Workflow.continueAsNew(input.carry(confirmedAt, latest, alerted));
      }
    }
    return true;
  }

  private static OrderFulfilmentResult ended(String status, Instant shipBy) {
    return new OrderFulfilmentResult(
        OrderStatus.isShipped(status) ? Outcome.SHIPPED : Outcome.CANCELLED, status, shipBy);
  }

  /** One late alert per order: replaying the order's changes finds the alert already raised. */
  private static String lateAlertEpisode(OrderFulfilmentInput input) {
    return input.orderId();
  }

  private void raiseLateAlert(
      OrderFulfilmentInput input, String status, Instant confirmedAt, Instant shipBy) {
    // Insertion-ordered, so the child's input is the same bytes on every replay.
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("orderId", input.orderId());
    details.put("status", status);
    details.put("confirmedAt", confirmedAt.toString());
    details.put("shipBy", shipBy.toString());
    AlertInput alert =
        new AlertInput(
            AlertKind.ORDER_LATE,
            null,
            input.locationId(),
            AlertSeverity.WARNING.code(),
            "Order "
                + input.orderId()
                + " at "
                + input.locationId()
                + " is not shipped by its deadline "
                + shipBy
                + " (status "
                + status
                + ")",
            details,
            lateAlertEpisode(input),
            input.lateAlert());
    if (!AlertsFromWorkflow.start(alert)) {
      log.info("order_late alert for order {} already open", input.orderId());
    }
  }
}
