package io.stockflow.subprocessors.inventory;

import io.stockflow.changefeed.ChangeEvent;

/**
 * Which {@code inventory_levels} changes each reaction cares about, as pure functions of the change
 * so a truth table pins them. Replays pass every filter ({@link ChangeEvent#changed} is true for
 * all columns of a replay).
 */
public final class StockRules {
  private StockRules() {}

  /** Columns whose change can move {@link io.stockflow.stock.Availability#available available}. */
  public static boolean availabilityMayHaveChanged(ChangeEvent e) {
    return e.changed("on_hand") || e.changed("allocated") || e.changed("reserved");
  }

  /**
   * A cycle count is a write that moves last_counted_at (not a replay: a replay carries no new
   * count).
   */
  public static boolean isCycleCount(ChangeEvent e) {
    return !e.replay()
        && e.before() != null
        && e.after() != null
        && e.after().hasNonNull("last_counted_at")
        && e.changed("last_counted_at");
  }

  /**
   * What channels are told depends on available stock, safety stock and whether the location sells.
   */
  public static boolean affectsChannelAvailability(ChangeEvent e) {
    return availabilityMayHaveChanged(e) || e.changed("safety_stock") || e.changed("sellable");
  }

  /** Low/out-of-stock bands depend on available stock and the thresholds. */
  public static boolean affectsStockBands(ChangeEvent e) {
    return availabilityMayHaveChanged(e)
        || e.changed("reorder_point")
        || e.changed("safety_stock")
        || e.changed("sellable");
  }
}
