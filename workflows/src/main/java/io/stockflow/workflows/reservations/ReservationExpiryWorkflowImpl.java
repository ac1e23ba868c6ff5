package io.stockflow.workflows.reservations;

import io.stockflow.workflows.ActivityPolicies;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

/**
 * Sleeps until expires_at (moved by signals), then expires the reservation through the conditional
 * update. If the database says it is not yet due (extended without a signal, or its clock lags the
 * worker's), it sleeps until the new time, at least {@link #MIN_RECHECK}, so clock skew cannot spin
 * the loop.
 */
public class ReservationExpiryWorkflowImpl implements ReservationExpiryWorkflow {
  static final Duration MIN_RECHECK = Duration.ofSeconds(1);

  private final ReservationExpiryActivities db =
      Workflow.newActivityStub(ReservationExpiryActivities.class, ActivityPolicies.DATABASE);

  private Instant expiresAt;
  private boolean ended;
  private boolean moved;

  @Override
  public ExpiryOutcome run(ReservationChange reservation) {
    if (expiresAt == null) expiresAt = reservation.expiresAt();
    Duration floor = Duration.ZERO;
    while (true) {
      Duration wait = Duration.ofMillis(expiresAt.toEpochMilli() - Workflow.currentTimeMillis());
      if (wait.compareTo(floor) < 0) wait = floor;
      if (!wait.isZero()) Workflow.await(wait, () -> ended || moved);
      if (ended) return ExpiryOutcome.ENDED;
      if (moved) {
        moved = false;
        floor = Duration.ZERO;
        continue;
      }
      ExpireResult result = db.expire(reservation.id());
      if (!result.notYetDue()) return result.outcome();
      expiresAt = result.expiresAt();
      floor = MIN_RECHECK;
    }
  }

  @Override
  public void reservationChanged(ReservationChange change) {
    if (!change.active()) {
      ended = true;
    } else if (change.expiresAt() != null && !change.expiresAt().equals(expiresAt)) {
      // The signal of SignalWithStart arrives before run() and merely sets the first deadline.
      moved = expiresAt != null;
      expiresAt = change.expiresAt();
    }
  }
}
