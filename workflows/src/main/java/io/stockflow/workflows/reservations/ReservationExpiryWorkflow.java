package io.stockflow.workflows.reservations;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * A durable timer per active reservation: at {@code expires_at} it expires the reservation if it is
 * still active; it ends early when told the reservation was confirmed or released. Workflow ID
 * {@code reservation-expiry/<reservation id>}.
 */
@WorkflowInterface
public interface ReservationExpiryWorkflow {

  @WorkflowMethod
  ExpiryOutcome run(ReservationChange reservation);

  /** A newer image of the row: a non-active status ends the timer, a new expires_at moves it. */
  @SignalMethod
  void reservationChanged(ReservationChange change);
}
