package io.stockflow.stock;

import io.stockflow.db.jooq.tables.records.InventoryLevelsRecord;

/**
 * The stock rules of one {@code inventory_levels} row: what it can still promise, whether it needs
 * restocking and how much, and its band for the stock alerts. The workflow clients apply them to
 * changefeed images and the activities to the locked row, so the signal and the re-check always
 * decide alike. Immutable.
 */
public record StockLevel(
    long onHand,
    long allocated,
    long reserved,
    long inTransitIn,
    long reorderPoint,
    long safetyStock,
    long maxStock,
    boolean sellable,
    boolean receivingBlocked) {

  public static StockLevel of(InventoryLevelsRecord row) {
    return new StockLevel(
        row.getOnHand(),
        row.getAllocated(),
        row.getReserved(),
        row.getInTransitIn(),
        row.getReorderPoint(),
        row.getSafetyStock(),
        row.getMaxStock(),
        row.getSellable(),
        row.getReceivingBlocked());
  }

  /** {@link Availability#available}. */
  public long available() {
    return Availability.available(onHand, allocated, reserved);
  }

  /**
   * A sellable location that can receive, with a reorder point set, whose available stock is at or
   * below it.
   */
  public boolean needsRestock() {
    return sellable && !receivingBlocked && reorderPoint > 0 && available() <= reorderPoint;
  }

  /**
   * What a restock orders: the shelf capacity {@code max_stock} less what is or will be on the
   * shelf, {@code on_hand + in_transit_in}. Allocated and reserved units are still physically on
   * that shelf until picked, so they are not re-ordered (ordering them would overflow the shelf;
   * once they are picked on_hand drops and the next episode covers them). Zero or less: the shelf
   * is full.
   */
  public long restockQuantity() {
    return maxStock - (onHand + inTransitIn);
  }

  /**
   * Where the row stands for the stock alerts; only a change of band raises or clears one. Out of
   * stock: a sellable location with nothing available. Low: a sellable location with available
   * stock at or below its reorder point (its safety stock when no reorder point is set). A location
   * that does not sell is in neither.
   */
  public AvailabilityStatus band() {
    if (!sellable) return AvailabilityStatus.IN_STOCK;
    long available = available();
    if (available <= 0) return AvailabilityStatus.OUT_OF_STOCK;
    long threshold = reorderPoint > 0 ? reorderPoint : safetyStock;
    return available <= threshold ? AvailabilityStatus.LOW_STOCK : AvailabilityStatus.IN_STOCK;
  }
}
