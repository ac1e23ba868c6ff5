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
}
