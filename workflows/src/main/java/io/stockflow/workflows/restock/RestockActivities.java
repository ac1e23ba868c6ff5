package io.stockflow.workflows.restock;

import io.temporal.activity.ActivityInterface;
import java.time.Duration;

/** Database effects of a restock episode. Every method is idempotent (safe to retry). */
@ActivityInterface
public interface RestockActivities {

  /**
   * Opens the row's restock episode, or adopts the one already open. In one transaction, with the
   * inventory row locked: if a purchase order of this (sku, location) is still {@code open} or
   * {@code late}, returns it (a retried activity, a continued-as-new or re-driven workflow never
   * orders twice). Otherwise, if the row still needs stock ({@link
   * io.stockflow.stock.StockLevel#needsRestock}) and its {@link
   * io.stockflow.stock.StockLevel#restockQuantity} is above 0, inserts a purchase order for that
   * quantity under the next episode key and adds it to {@code in_transit_in}.
   *
   * @return the open order, or null when none is needed (stock recovered, shelf full, row gone)
   */
  PurchaseOrder openEpisode(String sku, String locationId, Duration leadTime);

  /**
   * Looks at the database: the order's status, and whether the row shows its quantity arrived
   * ({@link PurchaseOrder#looksReceived}); if so marks the order {@code received}.
   */
  ReceiptStatus checkReceipt(PurchaseOrder order);

  /**
   * Marks the order {@code late} (only from {@code open}). The workflow raises the {@code
   * restock_late} alert itself, as an {@link io.stockflow.workflows.alerts.AlertWorkflow}.
   */
  void escalateLate(PurchaseOrder order);
}
