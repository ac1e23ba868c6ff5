package io.stockflow.stock;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;

import io.stockflow.db.jooq.tables.InventoryLevels;
import io.stockflow.db.jooq.tables.records.InventoryLevelsRecord;
import org.jooq.Field;

/**
 * What a stock row can still promise, the one definition every module uses (V1__inventory.sql
 * states it next to {@code inventory_levels}):
 *
 * <ul>
 *   <li><b>available</b> = on_hand − allocated − reserved. Never below zero: the {@code
 *       inventory_never_oversold} CHECK constraint refuses {@code allocated + reserved > on_hand}.
 *       Safety stock is not subtracted: the location may sell it.
 *   <li><b>available to sell</b> (what sales channels are told) = available − safety_stock, never
 *       below zero, per row: one location below its safety stock must not hide another's stock.
 * </ul>
 *
 * Stateless and thread-safe.
 */
public final class Availability {
  private Availability() {}

  /** on_hand − allocated − reserved. */
  public static long available(long onHand, long allocated, long reserved) {
    return onHand - allocated - reserved;
  }

  /** {@link #available(long, long, long)} of one {@code inventory_levels} row. */
  public static long available(InventoryLevelsRecord row) {
    return available(row.getOnHand(), row.getAllocated(), row.getReserved());
  }

  /**
   * {@link #available(long, long, long)} as SQL over {@code levels} (the table or an alias of it),
   * for conditions evaluated on the locked row ({@code WHERE available >= ?}) and for reads.
   */
  public static Field<Long> available(InventoryLevels levels) {
    return levels.ON_HAND.minus(levels.ALLOCATED).minus(levels.RESERVED);
  }

  /** {@link #available(InventoryLevels)} over {@code inventory_levels} itself. */
  public static final Field<Long> AVAILABLE = available(INVENTORY_LEVELS);

  /** What channels may sell of one row: available − safety stock, never below zero. */
  public static long availableToSell(long available, long safetyStock) {
    return Math.max(0, available - safetyStock);
  }
}
