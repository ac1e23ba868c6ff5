package io.stockflow.subprocessors.restock;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.subprocessors.inventory.InventoryRows;
import io.stockflow.subprocessors.inventory.StockRules;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.restock.RestockClient;
import jakarta.inject.Singleton;

/**
 * Starts a restock episode when a sellable location's available stock falls to its reorder point,
 * and feeds the open episode the changes it waits for (the receipt). One workflow per (sku,
 * location): {@code restock/<sku>/<location>}.
 */
@Singleton
public class RestockSubprocessor implements Subprocessor {
  public static final String NAME = "restock";
  private final RestockClient restock;

  public RestockSubprocessor(RestockClient restock) {
    this.restock = restock;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Low stock (start or feed the episode), or a stock change while goods are in transit (a possible
   * receipt the open episode waits for: an episode's order is what puts units in transit, so with
   * none in transit before or after there is no episode to wake). Deletes are ignored: there is
   * nothing left to restock. Replays pass (every column counts as changed).
   */
  @Override
  public boolean shouldProcess(ChangeEvent e) {
    if (e.after() == null) return false;
    StockSnapshot after = InventoryRows.after(e);
    if (after.needsRestock() || e.changed("in_transit_in")) return true;
    return StockRules.availabilityMayHaveChanged(e) && after.inTransitIn() > 0;
  }

  @Override
  public void process(ChangeEvent e) {
    restock.onStockChanged(InventoryRows.after(e));
  }

  /**
   * Changes of one row within a poll reach its episode as one signal: the newest state is what
   * counts.
   */
  @Override
  public String coalescingKey(ChangeEvent e) {
    StockSnapshot s = InventoryRows.after(e);
    return RestockClient.workflowId(s.sku(), s.locationId());
  }
}
