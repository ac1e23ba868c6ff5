package io.stockflow.workflows.reservations;

import java.time.Instant;

/**
 * What {@link ReservationExpiryActivities#expire} found.
 *
 * @param expiresAt the row's current expires_at when it is not due yet (extended), else null
 */
public record ExpireResult(ExpiryOutcome outcome, Instant expiresAt) {

  /** Still active but its expires_at lies in the future: the workflow sleeps again. */
  public boolean notYetDue() {
    return expiresAt != null;
  }
}
