package io.stockflow.subprocessors.inventory;

/**
 * The inventory decisions the subprocessors make on a change, as pure functions so a truth table
 * can pin them. {@code before} is null for inserts.
 */
public final class StockRules {
  private StockRules() {}

  /**
   * Default cycle-count variance thresholds: more than 10 units or more than 5 % of the previous
   * count.
   */
  public static final long VARIANCE_UNITS = 10;

  public static final double VARIANCE_FRACTION = 0.05;

  /** A cycle count is a write that moves last_counted_at. */
  public static boolean isCycleCount(StockLevel before, StockLevel after) {
    return before != null
        && after.lastCountedAt().isPresent()
        && !after.lastCountedAt().equals(before.lastCountedAt());
  }

  /** Counted on_hand differs from the book figure by more than the thresholds. */
  public static boolean significantVariance(
      long bookOnHand, long countedOnHand, long maxUnits, double maxFraction) {
    long diff = Math.abs(countedOnHand - bookOnHand);
    if (diff > maxUnits) return true;
    // From a book figure of zero only the unit threshold applies: any percentage would be infinite.
    return bookOnHand > 0 && (double) diff / bookOnHand > maxFraction;
  }

  /**
   * Whatever channels are told depends on these columns; other writes (e.g. thresholds) need no
   * sync.
   */
  public static boolean affectsChannelAvailability(StockLevel before, StockLevel after) {
    if (before == null || after == null) return true;
    return before.available() != after.available()
        || before.safetyStock() != after.safetyStock()
        || before.sellable() != after.sellable();
  }

  /** The stock state crossed into, or is within, an alerting band (out of stock or low). */
  public static boolean alertWorthy(StockLevel after) {
    return after.outOfStock() || after.lowStock();
  }
}
