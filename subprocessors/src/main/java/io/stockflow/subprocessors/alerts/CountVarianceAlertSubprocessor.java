package io.stockflow.subprocessors.alerts;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.subprocessors.inventory.InventoryRows;
import io.stockflow.subprocessors.inventory.StockRules;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.alerts.AlertClient;
import jakarta.inject.Singleton;

/**
 * Cycle-count variance: a write that moves last_counted_at and changes on_hand by more than the
 * configured units or fraction (default 10 units / 5 %) raises one alert per count (the count's
 * timestamp is the episode). Needs the {@code before} image, which the changefeed's {@code diff}
 * option provides. Not coalesced: every count is judged against the book figure just before it.
 */
@Singleton
public class CountVarianceAlertSubprocessor implements Subprocessor {
  public static final String NAME = "count-variance-alert";
  private final AlertClient alerts;

  public CountVarianceAlertSubprocessor(AlertClient alerts) {
    this.alerts = alerts;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean shouldProcess(ChangeEvent e) {
    return StockRules.isCycleCount(e);
  }

  @Override
  public void process(ChangeEvent e) {
    StockSnapshot before = InventoryRows.before(e);
    StockSnapshot after = InventoryRows.after(e);
    alerts.onCycleCount(before, after);
  }
}
