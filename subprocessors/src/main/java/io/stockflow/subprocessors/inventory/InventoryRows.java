package io.stockflow.subprocessors.inventory;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Row;
import io.stockflow.workflows.StockSnapshot;

/** Maps {@code inventory_levels} row images from the changefeed to what the workflows take. */
public final class InventoryRows {
  private InventoryRows() {}

  /** The row after the change; the event must not be a delete. */
  public static StockSnapshot after(ChangeEvent e) {
    return snapshot(
        e.afterRow().orElseThrow(() -> new IllegalArgumentException("no after image (a delete)")),
        e);
  }

  /** The row before the change, or null for an insert (or a feed without diff). */
  public static StockSnapshot before(ChangeEvent e) {
    return e.beforeRow().map(r -> snapshot(r, e)).orElse(null);
  }

  static StockSnapshot snapshot(Row r, ChangeEvent e) {
    return new StockSnapshot(
        r.string("sku"),
        r.string("location_id"),
        r.longValue("on_hand"),
        r.longValue("allocated"),
        r.longValue("reserved"),
        r.longValue("damaged"),
        r.longValue("in_transit_in"),
        r.longValue("reorder_point"),
        r.longValue("safety_stock"),
        r.longValue("max_stock"),
        r.bool("sellable"),
        r.bool("receiving_blocked"),
        r.instant("last_counted_at").orElse(null),
        e.updated().toString());
  }
}
