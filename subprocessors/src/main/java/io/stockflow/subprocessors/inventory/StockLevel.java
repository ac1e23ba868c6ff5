package io.stockflow.subprocessors.inventory;

import io.stockflow.changefeed.Row;
import java.time.Instant;
import java.util.Optional;

/**
 * One {@code inventory_levels} row image as the subprocessors see it, decoded from the changefeed.
 * Columns added to the table later are ignored. Immutable.
 */
public record StockLevel(
    String sku,
    String locationId,
    long onHand,
    long allocated,
    long reserved,
    long damaged,
    long inTransitIn,
    long inTransitOut,
    long reorderPoint,
    long safetyStock,
    long maxStock,
    boolean sellable,
    boolean receivingBlocked,
    Optional<Instant> lastCountedAt) {

  public static StockLevel of(Row r) {
    return new StockLevel(
        r.string("sku"),
        r.string("location_id"),
        r.longValue("on_hand"),
        r.longValue("allocated"),
        r.longValue("reserved"),
        r.longValue("damaged"),
        r.longValue("in_transit_in"),
        r.longValue("in_transit_out"),
        r.longValue("reorder_point"),
        r.longValue("safety_stock"),
        r.longValue("max_stock"),
        r.bool("sellable"),
        r.bool("receiving_blocked"),
        r.instant("last_counted_at"));
  }

  /**
   * What the location can still promise: on_hand − allocated − reserved (the database keeps it ≥
   * 0).
   */
  public long available() {
    return onHand - allocated - reserved;
  }

  /**
   * A sellable location whose available stock is at or below a non-zero reorder point needs
   * restocking.
   */
  public boolean needsRestock() {
    return sellable && !receivingBlocked && reorderPoint > 0 && available() <= reorderPoint;
  }

  public boolean outOfStock() {
    return sellable && available() == 0;
  }

  /**
   * Low but not out: at or below the reorder point (or the safety stock where no reorder point is
   * set).
   */
  public boolean lowStock() {
    long threshold = reorderPoint > 0 ? reorderPoint : safetyStock;
    return sellable && available() > 0 && available() <= threshold;
  }
}
