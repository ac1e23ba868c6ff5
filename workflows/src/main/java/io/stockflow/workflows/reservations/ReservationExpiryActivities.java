package io.stockflow.workflows.reservations;

import io.temporal.activity.ActivityInterface;

/** The expiry effect. Idempotent: guarded by the reservation's status. */
@ActivityInterface
public interface ReservationExpiryActivities {

  /**
   * In one transaction: {@code UPDATE reservations SET status = 'expired' WHERE id = ? AND status =
   * 'active' AND expires_at <= now()}, and if that changed the row, {@code reserved -= quantity} on
   * its inventory row (the units become available again). A retry after commit finds the status
   * changed and does nothing. The statement is {@code ReservationReleases.expireIfDue}, shared with
   * the database sweep in the api role, so a hold both release is released once.
   */
  ExpireResult expire(String reservationId);
}
