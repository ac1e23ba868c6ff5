package io.stockflow.workflows;

import io.stockflow.stock.AvailabilityStatus;
import io.stockflow.stock.StockLevel;
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

  /** The row's stock rules ({@link StockLevel}): available, restock need, alert band. */
  public StockLevel level() {
    return new StockLevel(
        onHand,
        allocated,
        reserved,
        inTransitIn,
        reorderPoint,
        safetyStock,
        maxStock,
        sellable,
        receivingBlocked);
  }

  /** {@link StockLevel#available}. */
  public long available() {
    return level().available();
  }

  /** {@link StockLevel#needsRestock}. */
  public boolean needsRestock() {
    return level().needsRestock();
  }

  /** {@link StockLevel#band}: only a change of band can raise or clear a stock alert. */
  public AvailabilityStatus band() {
    return level().band();
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
