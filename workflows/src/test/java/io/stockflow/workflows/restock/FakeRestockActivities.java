package io.stockflow.workflows.restock;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;

/**
 * One inventory row and its purchase orders in memory, following the same rules as {@link
 * RestockActivitiesImpl} (the real one is exercised by RestockIT).
 */
final class FakeRestockActivities implements RestockActivities {
  long onHand;
  long allocated;
  long reorderPoint;
  long maxStock;
  long inTransitIn;
  final List<PurchaseOrder> orders = new ArrayList<>();
  final List<String> escalated = new ArrayList<>();
  String status = "none";
  private final LongSupplier clock;

  FakeRestockActivities(long onHand, long reorderPoint, long maxStock, LongSupplier clock) {
    this.onHand = onHand;
    this.reorderPoint = reorderPoint;
    this.maxStock = maxStock;
    this.clock = clock;
  }

  @Override
  public synchronized PurchaseOrder openEpisode(String sku, String locationId, Duration leadTime) {
    if (status.equals("open") || status.equals("late")) {
      PurchaseOrder last = orders.get(orders.size() - 1);
      return new PurchaseOrder(
          last.id(),
          last.episodeKey(),
          sku,
          locationId,
          last.quantity(),
          last.dueAt(),
          onHand,
          Math.max(inTransitIn, last.quantity()),
          status.equals("late"));
    }
    long quantity = maxStock - onHand - inTransitIn;
    if (onHand - allocated > reorderPoint || quantity <= 0) return null;
    inTransitIn += quantity;
    status = "open";
    PurchaseOrder po =
        new PurchaseOrder(
            "po-" + (orders.size() + 1),
            RestockActivitiesImpl.episodeKey(sku, locationId, orders.size() + 1),
            sku,
            locationId,
            quantity,
            Instant.ofEpochMilli(clock.getAsLong()).plus(leadTime),
            onHand,
            inTransitIn,
            false);
    orders.add(po);
    return po;
  }

  @Override
  public synchronized ReceiptStatus checkReceipt(PurchaseOrder order) {
    if (status.equals("cancelled")) return ReceiptStatus.CANCELLED;
    if (status.equals("received") || order.looksReceived(onHand, inTransitIn)) {
      status = "received";
      return ReceiptStatus.RECEIVED;
    }
    return ReceiptStatus.OPEN;
  }

  @Override
  public synchronized void escalateLate(PurchaseOrder order) {
    if (status.equals("open")) status = "late";
    escalated.add(order.episodeKey());
  }

  /** The supplier delivers the last order: on_hand up, in_transit_in down. */
  synchronized void receive() {
    PurchaseOrder last = orders.get(orders.size() - 1);
    onHand += last.quantity();
    inTransitIn -= last.quantity();
  }
}
