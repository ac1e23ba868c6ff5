package io.stockflow.db.reservations;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.RESERVATIONS;

import io.stockflow.stock.ReservationStatus;
import java.time.OffsetDateTime;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record3;
import org.jooq.impl.DSL;

/**
 * The two ways a hold ends by time, as ONE conditional statement each, shared by every path that
 * may end it: the reservation-expiry workflow's activity (workflows) and the database sweep (api,
 * {@link ReservationSweep}). They live here, beside the schema, because both modules depend on this
 * one and on nothing of each other.
 *
 * <p><b>Exactly once.</b> Each method changes the reservation row with an UPDATE whose WHERE clause
 * re-checks the status the release starts from ({@code active}, or {@code confirmed} without an
 * order), and gives the stock back only when that UPDATE changed the row, in the same transaction.
 * Whoever runs second — the sweep after the activity, the activity after the sweep, a second
 * sweeper, a retried activity, a customer's release or an order creation in between — finds the
 * status changed and does nothing: on PostgreSQL (READ COMMITTED) the second UPDATE waits for the
 * first's row lock and then re-evaluates its WHERE clause on the committed row; on CockroachDB
 * (SERIALIZABLE) one of the two conflicting transactions is aborted with 40001 and, run again by
 * {@code Transactions}, reads the committed row. Either way the units return to {@code available}
 * once.
 *
 * <p>Run each inside a transaction ({@code Transactions.run}); nothing here commits.
 */
public final class ReservationReleases {
  private ReservationReleases() {}

  /** The hold this call ended: its line and the quantity given back. */
  public record Released(String id, String sku, String locationId, long quantity) {}

  /**
   * The inventory row no longer holds what the reservation says it holds (someone changed it
   * outside the API). The transaction must roll back, so the reservation keeps its status and the
   * next attempt sees the same question; nothing is given back twice or taken from elsewhere.
   */
  public static final class InventoryMismatch extends IllegalStateException {
    InventoryMismatch(String message) {
      super(message);
    }
  }

  /**
   * Expires an active hold whose {@code expires_at <= cutoff}: {@code UPDATE reservations SET
   * status = 'expired' WHERE id = ? AND status = 'active' AND expires_at <= cutoff}, then {@code
   * reserved -= quantity} on its inventory row. The activity passes the database's {@code now()},
   * the sweep its clock minus a grace period.
   *
   * @return the hold this call expired, or null when it was not active or not due (nothing done)
   */
  public static Released expireIfDue(DSLContext tx, String id, Field<OffsetDateTime> cutoff) {
    Record3<String, String, Long> row =
        tx.update(RESERVATIONS)
            .set(RESERVATIONS.STATUS, ReservationStatus.EXPIRED.code())
            .where(RESERVATIONS.ID.eq(id))
            .and(RESERVATIONS.STATUS.eq(DSL.inline(ReservationStatus.ACTIVE.code())))
            .and(RESERVATIONS.EXPIRES_AT.le(cutoff))
            .returning(RESERVATIONS.SKU, RESERVATIONS.LOCATION_ID, RESERVATIONS.QUANTITY)
            .fetchOne(
                r -> r.into(RESERVATIONS.SKU, RESERVATIONS.LOCATION_ID, RESERVATIONS.QUANTITY));
    if (row == null) return null;
    giveBack(tx, id, row, INVENTORY_LEVELS.RESERVED);
    return new Released(id, row.value1(), row.value2(), row.value3());
  }

  /**
   * When a hold counts as confirmed: {@code confirmed_at}, or for a row confirmed before that
   * column existed its {@code last_updated} (never earlier than the confirm, so never released
   * early).
   */
  public static final Field<OffsetDateTime> CONFIRMED_SINCE =
      DSL.coalesce(RESERVATIONS.CONFIRMED_AT, RESERVATIONS.LAST_UPDATED);

  /**
   * Releases a confirmed hold that still has no order and was confirmed at or before {@code
   * cutoff}: {@code UPDATE reservations SET status = 'expired' WHERE id = ? AND status =
   * 'confirmed' AND order_id IS NULL AND coalesce(confirmed_at, last_updated) <= cutoff}, then
   * {@code allocated -= quantity} (confirm had moved it from reserved to allocated).
   *
   * <p>Against a concurrent order creation, which links the cart with {@code UPDATE reservations
   * SET order_id = ? WHERE cart_id = ? AND status = 'confirmed' AND order_id IS NULL} and insists
   * that every line was linked: both statements write the same rows, so they are serialised by the
   * row lock (PostgreSQL) or by a 40001 retry (CockroachDB). If the order links first, this UPDATE
   * then sees {@code order_id} set and does nothing: the order wins and keeps its allocation. If
   * this releases first, the order's UPDATE sees {@code status = 'expired'}, links fewer lines than
   * the cart has, and the order transaction rolls back whole with a 409: the release wins and no
   * order points at stock that is no longer allocated.
   *
   * @return the hold this call released, or null when nothing was done
   */
  public static Released releaseUnorderedIfDue(
      DSLContext tx, String id, Field<OffsetDateTime> cutoff) {
    Record3<String, String, Long> row =
        tx.update(RESERVATIONS)
            .set(RESERVATIONS.STATUS, ReservationStatus.EXPIRED.code())
            .where(RESERVATIONS.ID.eq(id))
            .and(RESERVATIONS.STATUS.eq(DSL.inline(ReservationStatus.CONFIRMED.code())))
            .and(RESERVATIONS.ORDER_ID.isNull())
            .and(CONFIRMED_SINCE.le(cutoff))
            .returning(RESERVATIONS.SKU, RESERVATIONS.LOCATION_ID, RESERVATIONS.QUANTITY)
            .fetchOne(
                r -> r.into(RESERVATIONS.SKU, RESERVATIONS.LOCATION_ID, RESERVATIONS.QUANTITY));
    if (row == null) return null;
    giveBack(tx, id, row, INVENTORY_LEVELS.ALLOCATED);
    return new Released(id, row.value1(), row.value2(), row.value3());
  }

  /** {@code column -= quantity} on the hold's inventory row, refusing to go below what it holds. */
  private static void giveBack(
      DSLContext tx, String id, Record3<String, String, Long> hold, Field<Long> column) {
    long quantity = hold.value3();
    int changed =
        tx.update(INVENTORY_LEVELS)
            .set(column, column.minus(quantity))
            .where(INVENTORY_LEVELS.SKU.eq(hold.value1()))
            .and(INVENTORY_LEVELS.LOCATION_ID.eq(hold.value2()))
            .and(column.ge(quantity))
            .execute();
    if (changed != 1) {
      throw new InventoryMismatch(
          "inventory_levels("
              + hold.value1()
              + ", "
              + hold.value2()
              + ") holds less "
              + column.getName()
              + " than reservation "
              + id
              + " ("
              + quantity
              + "); investigate direct writes");
    }
  }
}
