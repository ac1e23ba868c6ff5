package io.stockflow.workflows.orders;

import io.stockflow.workflows.alerts.AlertPolicy;
import java.time.Duration;
import java.time.Instant;

/**
 * Start argument of {@link OrderFulfilmentWorkflow}. The settings travel in the input so a running
 * workflow keeps the deadlines it started with when the configuration changes; {@code latest} and
 * {@code lateAlertRaised} carry the state over continue-as-new.
 *
 * @param confirmedAt start of the SLA clock: the commit time of the change that started the
 *     workflow (the confirmation, or a later status seen first); null = the workflow's start time
 * @param latest the newest status update known when this run starts (the trigger, or the carried
 *     one)
 * @param lateAlertRaised whether an earlier run of this workflow already raised the late alert
 */
public record OrderFulfilmentInput(
    String orderId,
    String locationId,
    Instant confirmedAt,
    Duration shipBy,
    Duration giveUpAfter,
    AlertPolicy lateAlert,
    OrderStatusUpdate latest,
    boolean lateAlertRaised) {

  /** The next run's input: the same deadlines, with this run's state. */
  public OrderFulfilmentInput carry(
      Instant confirmedAt, OrderStatusUpdate latest, boolean lateAlertRaised) {
    return new OrderFulfilmentInput(
        orderId, locationId, confirmedAt, shipBy, giveUpAfter, lateAlert, latest, lateAlertRaised);
  }
}
