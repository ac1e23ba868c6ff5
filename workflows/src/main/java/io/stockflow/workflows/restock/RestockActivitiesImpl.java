package io.stockflow.workflows.restock;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.PURCHASE_ORDERS;

import io.stockflow.db.Transactions;
import io.stockflow.db.jooq.tables.records.InventoryLevelsRecord;
import io.stockflow.db.jooq.tables.records.PurchaseOrdersRecord;
import io.stockflow.stock.PurchaseOrderStatus;
import io.stockflow.stock.StockLevel;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.UUID;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/**
 * Restock effects in the database. Whether a row needs stock and how much is ordered are {@link
 * StockLevel#needsRestock} and {@link StockLevel#restockQuantity}, decided on the locked row.
 * Thread-safe.
 */
public final class RestockActivitiesImpl implements RestockActivities {
  private final Transactions transactions;

  public RestockActivitiesImpl(Transactions transactions) {
    this.transactions = transactions;
  }

  /** The episode key of the {@code n}-th purchase order of a row. */
  static String episodeKey(String sku, String locationId, long n) {
    return RestockClient.workflowId(sku, locationId) + "/" + n;
  }

  @Override
  public PurchaseOrder openEpisode(String sku, String locationId, Duration leadTime) {
    return transactions.run(
        tx -> {
          // The row lock serialises episodes of one row: two runs cannot both see "no open order".
          InventoryLevelsRecord level = lockLevel(tx, sku, locationId);
          if (level == null) return null;
          PurchaseOrdersRecord open =
              tx.selectFrom(PURCHASE_ORDERS)
                  .where(PURCHASE_ORDERS.SKU.eq(sku))
                  .and(PURCHASE_ORDERS.LOCATION_ID.eq(locationId))
                  .and(PURCHASE_ORDERS.STATUS.in(PurchaseOrderStatus.OUTSTANDING))
                  .orderBy(PURCHASE_ORDERS.CREATED_AT)
                  .limit(1)
                  .fetchOne();
          if (open != null) {
            // Adopted by a continued or re-driven run: the order's units went into in_transit_in
            // when it was placed, so less than its quantity in transit means they (partly) arrived
            // while no run was watching; measuring from max(...) lets the first check see that.
            return toOrder(
                open, level.getOnHand(), Math.max(level.getInTransitIn(), open.getQuantity()));
          }
          StockLevel stock = StockLevel.of(level);
          long quantity = stock.restockQuantity();
          if (!stock.needsRestock() || quantity <= 0) return null;
          long episode =
              tx.fetchCount(
                      PURCHASE_ORDERS,
                      PURCHASE_ORDERS.SKU.eq(sku).and(PURCHASE_ORDERS.LOCATION_ID.eq(locationId)))
                  + 1;
          PurchaseOrdersRecord created =
              tx.insertInto(PURCHASE_ORDERS)
                  .set(PURCHASE_ORDERS.ID, UUID.randomUUID())
                  .set(PURCHASE_ORDERS.EPISODE_KEY, episodeKey(sku, locationId, episode))
                  .set(PURCHASE_ORDERS.SKU, sku)
                  .set(PURCHASE_ORDERS.LOCATION_ID, locationId)
                  .set(PURCHASE_ORDERS.QUANTITY, quantity)
                  .set(PURCHASE_ORDERS.DUE_AT, OffsetDateTime.now(ZoneOffset.UTC).plus(leadTime))
                  .returning()
                  .fetchOne();
          // This write comes back through the changefeed; it only signals the open workflow.
          tx.update(INVENTORY_LEVELS)
              .set(INVENTORY_LEVELS.IN_TRANSIT_IN, INVENTORY_LEVELS.IN_TRANSIT_IN.plus(quantity))
              .where(INVENTORY_LEVELS.SKU.eq(sku))
              .and(INVENTORY_LEVELS.LOCATION_ID.eq(locationId))
              .execute();
          return toOrder(created, level.getOnHand(), level.getInTransitIn() + quantity);
        });
  }

  @Override
  public ReceiptStatus checkReceipt(PurchaseOrder order) {
    return transactions.run(
        tx -> {
          PurchaseOrdersRecord po =
              tx.selectFrom(PURCHASE_ORDERS)
                  .where(PURCHASE_ORDERS.ID.eq(UUID.fromString(order.id())))
                  .fetchOne();
          if (po == null || PurchaseOrderStatus.CANCELLED.is(po.getStatus())) {
            return ReceiptStatus.CANCELLED;
          }
          if (PurchaseOrderStatus.RECEIVED.is(po.getStatus())) return ReceiptStatus.RECEIVED;
          InventoryLevelsRecord level = lockLevel(tx, order.sku(), order.locationId());
          if (level == null || !order.looksReceived(level.getOnHand(), level.getInTransitIn())) {
            return ReceiptStatus.OPEN;
          }
          tx.update(PURCHASE_ORDERS)
              .set(PURCHASE_ORDERS.STATUS, PurchaseOrderStatus.RECEIVED.code())
              .set(PURCHASE_ORDERS.RECEIVED_AT, DSL.currentOffsetDateTime())
              .where(PURCHASE_ORDERS.ID.eq(po.getId()))
              .and(PURCHASE_ORDERS.STATUS.in(PurchaseOrderStatus.OUTSTANDING))
              .execute();
          return ReceiptStatus.RECEIVED;
        });
  }

  @Override
  public void escalateLate(PurchaseOrder order) {
    transactions.run(
        tx ->
            tx.update(PURCHASE_ORDERS)
                .set(PURCHASE_ORDERS.STATUS, PurchaseOrderStatus.LATE.code())
                .where(PURCHASE_ORDERS.ID.eq(UUID.fromString(order.id())))
                .and(PURCHASE_ORDERS.STATUS.eq(PurchaseOrderStatus.OPEN.code()))
                .execute());
  }

  private static InventoryLevelsRecord lockLevel(DSLContext tx, String sku, String locationId) {
    return tx.selectFrom(INVENTORY_LEVELS)
        .where(INVENTORY_LEVELS.SKU.eq(sku))
        .and(INVENTORY_LEVELS.LOCATION_ID.eq(locationId))
        .forUpdate()
        .fetchOne();
  }

  private static PurchaseOrder toOrder(PurchaseOrdersRecord po, long onHand, long inTransitIn) {
    return new PurchaseOrder(
        po.getId().toString(),
        po.getEpisodeKey(),
        po.getSku(),
        po.getLocationId(),
        po.getQuantity(),
        po.getDueAt().toInstant(),
        onHand,
        inTransitIn,
        PurchaseOrderStatus.LATE.is(po.getStatus()));
  }
}
