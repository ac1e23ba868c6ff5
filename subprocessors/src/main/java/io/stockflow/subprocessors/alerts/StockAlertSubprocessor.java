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

  @Override
  public boolean shouldProcess(ChangeEvent e) {
    return e.after() != null && StockRules.affectsStockBands(e);
  }

  /**
   * The condition alerts need only the new state; the cycle-count variance is
   * count-variance-alert's.
   */
  @Override
  public void process(ChangeEvent e) {
    alerts.onStockChanged(null, InventoryRows.after(e));
  }

  @Override
  public String coalescingKey(ChangeEvent e) {
    StockSnapshot s = InventoryRows.after(e);
    return "stock-alert/" + s.sku() + "/" + s.locationId();
  }
}
