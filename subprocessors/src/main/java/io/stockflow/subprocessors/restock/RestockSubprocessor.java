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
   * Low stock (start or feed the episode), or a change of on_hand / in_transit_in (a possible
   * receipt an open episode waits for). Deletes are ignored: there is nothing left to restock.
   */
  @Override
  public boolean shouldProcess(ChangeEvent e) {
    if (e.after() == null) return false;
    return InventoryRows.after(e).needsRestock()
        || StockRules.availabilityMayHaveChanged(e)
        || e.changed("in_transit_in");
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
