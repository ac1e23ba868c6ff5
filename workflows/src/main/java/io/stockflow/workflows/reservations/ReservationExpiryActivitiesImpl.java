package io.stockflow.workflows.reservations;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.RESERVATIONS;

import io.stockflow.db.Transactions;
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
          var expired =
              tx.update(RESERVATIONS)
                  .set(RESERVATIONS.STATUS, "expired")
                  .where(RESERVATIONS.ID.eq(reservationId))
                  .and(RESERVATIONS.STATUS.eq("active"))
                  .and(RESERVATIONS.EXPIRES_AT.le(DSL.currentOffsetDateTime()))
                  .returning(RESERVATIONS.SKU, RESERVATIONS.LOCATION_ID, RESERVATIONS.QUANTITY)
                  .fetchOne();
          if (expired != null) {
            tx.update(INVENTORY_LEVELS)
                .set(
                    INVENTORY_LEVELS.RESERVED,
                    INVENTORY_LEVELS.RESERVED.minus(expired.getQuantity()))
                .where(INVENTORY_LEVELS.SKU.eq(expired.getSku()))
                .and(INVENTORY_LEVELS.LOCATION_ID.eq(expired.getLocationId()))
                .execute();
            return new ExpireResult(ExpiryOutcome.EXPIRED, null);
          }
          var row =
              tx.select(RESERVATIONS.STATUS, RESERVATIONS.EXPIRES_AT)
                  .from(RESERVATIONS)
                  .where(RESERVATIONS.ID.eq(reservationId))
                  .fetchOne();
          if (row == null || !row.value1().equals("active")) {
            return new ExpireResult(ExpiryOutcome.ENDED, null);
          }
          // Still active, not yet due: the expiry was extended (or the clocks differ).
          return new ExpireResult(ExpiryOutcome.ENDED, row.value2().toInstant());
        });
  }
}
