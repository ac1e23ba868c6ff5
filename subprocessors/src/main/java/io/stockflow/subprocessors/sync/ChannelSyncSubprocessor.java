package io.stockflow.subprocessors.sync;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.subprocessors.inventory.InventoryRows;
import io.stockflow.subprocessors.inventory.StockRules;
import io.stockflow.workflows.sync.ChannelSyncClient;
import jakarta.inject.Singleton;

/**
 * Tells the SKU's channel-sync workflow that what channels may sell could have changed; the
 * workflow coalesces and pushes available-to-sell to every channel at most once per interval. One
 * workflow per SKU.
 */
@Singleton
public class ChannelSyncSubprocessor implements Subprocessor {
  public static final String NAME = "channel-sync";
  private final ChannelSyncClient sync;

  public ChannelSyncSubprocessor(ChannelSyncClient sync) {
    this.sync = sync;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean shouldProcess(ChangeEvent e) {
    return e.after() != null && StockRules.affectsChannelAvailability(e);
  }

  @Override
  public void process(ChangeEvent e) {
    sync.onStockChanged(InventoryRows.after(e));
  }

  /** All locations of a SKU feed one workflow: one signal per SKU and poll. */
  @Override
  public String coalescingKey(ChangeEvent e) {
    return ChannelSyncClient.workflowId(e.keyPart(0));
  }
}
