package io.stockflow.workflows.restock;

import java.time.Instant;

/**
 * The purchase order of one restock episode, with the stock figures the receipt is measured
 * against.
 *
 * @param episodeKey {@code purchase_orders.episode_key}, e.g. {@code
 *     restock/JERKY-TERIYAKI-3OZ/SEA1/3} (the third episode of that row)
 * @param baselineOnHand on_hand when the episode was opened or adopted
 * @param baselineInTransitIn in_transit_in right after the order was recorded in transit; for an
 *     adopted order max(in_transit_in now, quantity), so units that arrived unobserved still count
 * @param late whether the order is already past due and escalated ({@code status = 'late'})
 */
public record PurchaseOrder(
    String id,
    String episodeKey,
    String sku,
    String locationId,
    long quantity,
    Instant dueAt,
    long baselineOnHand,
    long baselineInTransitIn,
    boolean late) {

  /**
   * Whether a snapshot of the row shows this order arrived: its quantity left in_transit_in, or
   * on_hand rose by at least the quantity. The database check ({@link
   * RestockActivities#checkReceipt}) has the final word.
   */
  public boolean looksReceived(long onHand, long inTransitIn) {
    return inTransitIn <= baselineInTransitIn - quantity || onHand >= baselineOnHand + quantity;
  }
}
