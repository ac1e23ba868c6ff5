package io.stockflow.subprocessors.alerts;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.subprocessors.inventory.InventoryRows;
import io.stockflow.subprocessors.inventory.StockRules;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.alerts.AlertClient;
import jakarta.inject.Singleton;

/**
 * Low-stock, out-of-stock and invariant-breach alerts: raises the alert episode when a row enters
 * the band, resolves it when it leaves. One alert per kind and row at a time ({@code
 * alert/<kind>/<sku>/<location>}).
 */
@Singleton
public class StockAlertSubprocessor implements Subprocessor {
  public static final String NAME = "stock-alert";
  private final AlertClient alerts;

  public StockAlertSubprocessor(AlertClient alerts) {
    this.alerts = alerts;
  }

  @Override
  public String name() {
    return NAME;
  }

  /**
   * Only a move between bands (in stock, low, out) or an invariant breach can raise or clear an
   * alert; a change within a band would only repeat the state the alert workflows already hold, at
   * the cost of Temporal calls. Inserts and replays are judged on their state alone.
   */
  @Override
  public boolean shouldProcess(ChangeEvent e) {
    if (e.after() == null || !StockRules.affectsStockBands(e)) return false;
    StockSnapshot after = InventoryRows.after(e);
    if (e.replay() || e.before() == null || after.breachesInvariants()) return true;
    return InventoryRows.before(e).band() != after.band();
  }

  /**
   * The condition alerts need only the new state; the cycle-count variance is
   * count-variance-alert's.
   */
  @Override
  public void process(ChangeEvent e) {
    // No previous band: changes coalesced away may have moved the row through bands this one
    // does not show, so every alert but the current band's is cleared.
    alerts.onStockBand(null, InventoryRows.after(e));
  }

  @Override
  public String coalescingKey(ChangeEvent e) {
    StockSnapshot s = InventoryRows.after(e);
    return "stock-alert/" + s.sku() + "/" + s.locationId();
  }
}
