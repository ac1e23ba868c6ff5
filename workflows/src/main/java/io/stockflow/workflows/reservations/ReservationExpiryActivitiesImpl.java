package io.stockflow.workflows.reservations;

import static io.stockflow.db.jooq.Tables.RESERVATIONS;

import io.stockflow.db.Transactions;
import io.stockflow.db.reservations.ReservationReleases;
import io.stockflow.stock.ReservationStatus;
import org.jooq.impl.DSL;

/** Expires reservations in the database. Thread-safe. */
public final class ReservationExpiryActivitiesImpl implements ReservationExpiryActivities {
  private final Transactions transactions;

  public ReservationExpiryActivitiesImpl(Transactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public ExpireResult expire(String reservationId) {
    return transactions.run(
        tx -> {
          // The same conditional UPDATE as the database sweep (api ReservationSweeper): whichever
          // of the two runs second changes nothing, so the units come back once.
          if (ReservationReleases.expireIfDue(tx, reservationId, DSL.currentOffsetDateTime())
              != null) {
            return new ExpireResult(ExpiryOutcome.EXPIRED, null);
          }
          var row =
              tx.select(RESERVATIONS.STATUS, RESERVATIONS.EXPIRES_AT)
                  .from(RESERVATIONS)
                  .where(RESERVATIONS.ID.eq(reservationId))
                  .fetchOne();
          if (row == null || !ReservationStatus.ACTIVE.is(row.value1())) {
            return new ExpireResult(ExpiryOutcome.ENDED, null);
          }
          // Still active, not yet due: the expiry was extended (or the clocks differ).
          return new ExpireResult(ExpiryOutcome.ENDED, row.value2().toInstant());
        });
  }
}
