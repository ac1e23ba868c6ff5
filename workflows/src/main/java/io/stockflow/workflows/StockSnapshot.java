package io.stockflow.workflows;

import java.time.Instant;

/**
 * One {@code inventory_levels} row image as the workflows see it; the platform maps a changefeed
 * row to it. Immutable and serialised into workflow histories, so fields may be added (Jackson
 * ignores unknown ones on replay only if they are added, never renamed).
 *
 * @param updated the changefeed commit HLC ({@code "<wall nanos>.<logical>"}); used as the event id
 *     for de-duplication, never for ordering decisions in a workflow
 * @param lastCountedAt when the row was last cycle-counted; null if never
 */
public record StockSnapshot(
    String sku,
    String locationId,
    long onHand,
    long allocated,
    long reserved,
    long damaged,
    long inTransitIn,
    long reorderPoint,
    long safetyStock,
    long maxStock,
    boolean sellable,
    boolean receivingBlocked,
    Instant lastCountedAt,
    String updated) {

  /** What the location can still promise: on_hand − allocated − reserved. */
  public long available() {
    return onHand - allocated - reserved;
  }

  /**
   * A sellable location that can receive, with a reorder point set, whose available stock is at or
   * below it.
   */
  public boolean needsRestock() {
    return sellable && !receivingBlocked && reorderPoint > 0 && available() <= reorderPoint;
  }

  /** Where a row stands for the stock alerts; only a change of band can raise or clear one. */
  public enum Band {
    IN_STOCK,
    LOW_STOCK,
    OUT_OF_STOCK
  }

  /**
   * Out of stock: a sellable location with nothing available. Low: a sellable location with
   * available stock at or below its reorder point (its safety stock when no reorder point is set).
   * A location that does not sell raises neither.
   */
  public Band band() {
    if (!sellable) return Band.IN_STOCK;
    long available = available();
    if (available <= 0) return Band.OUT_OF_STOCK;
    long threshold = reorderPoint > 0 ? reorderPoint : safetyStock;
    return available <= threshold ? Band.LOW_STOCK : Band.IN_STOCK;
  }

  /**
   * A negative quantity or allocated + reserved above on_hand: the database's constraints should
   * have refused it, so seeing one on the stream is an alert of its own.
   */
  public boolean breachesInvariants() {
    return onHand < 0
        || allocated < 0
        || reserved < 0
        || damaged < 0
        || inTransitIn < 0
        || allocated + reserved > onHand;
  }
}
