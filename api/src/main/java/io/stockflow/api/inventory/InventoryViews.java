package io.stockflow.api.inventory;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.stockflow.db.jooq.tables.records.InventoryLevelsRecord;
import java.time.Instant;
import java.util.List;

/** Response bodies of the inventory endpoints. */
public final class InventoryViews {
  private InventoryViews() {}

  /**
   * One (sku, location) row, with its {@link io.stockflow.stock.Availability#available available}.
   */
  @Introspected
  public record Level(
      String sku,
      String locationId,
      long onHand,
      long allocated,
      long reserved,
      long available,
      long damaged,
      long inTransitIn,
      long inTransitOut,
      long reorderPoint,
      long safetyStock,
      long maxStock,
      boolean sellable,
      boolean receivingBlocked,
      @Nullable Instant lastCountedAt) {

    static Level of(InventoryLevelsRecord r) {
      return new Level(
          r.getSku(),
          r.getLocationId(),
          r.getOnHand(),
          r.getAllocated(),
          r.getReserved(),
          io.stockflow.stock.Availability.available(r),
          r.getDamaged(),
          r.getInTransitIn(),
          r.getInTransitOut(),
          r.getReorderPoint(),
          r.getSafetyStock(),
          r.getMaxStock(),
          r.getSellable(),
          r.getReceivingBlocked(),
          r.getLastCountedAt() == null ? null : r.getLastCountedAt().toInstant());
    }
  }

  /**
   * Customer-facing availability of a SKU.
   *
   * @param totalAvailable sum of available over sellable rows of active locations
   * @param availableToSell the same with each row's safety stock held back (never below 0 per row)
   * @param status in_stock / low_stock / out_of_stock, from availableToSell (see README)
   * @param message what a shop shows, e.g. "Only 3 left"
   */
  @Introspected
  public record Availability(
      String sku,
      long totalAvailable,
      long availableToSell,
      String status,
      String message,
      List<Region> regions,
      List<LocationAvailability> locations) {}

  /** Available per region (sellable rows of active locations only). */
  @Introspected
  public record Region(String region, long available, long availableToSell) {}

  /** One location's row in the availability view; {@code counted} says if it is in the totals. */
  @Introspected
  public record LocationAvailability(
      String locationId, String region, boolean counted, Level level) {}

  /** The outcome of a cycle count: the variance is counted minus the previous on_hand. */
  @Introspected
  public record CycleCountResult(
      long previousOnHand, long countedOnHand, long variance, String reason, Level level) {}

  /** The two rows a transfer touched. */
  @Introspected
  public record TransferResult(Level from, Level to) {}
}
