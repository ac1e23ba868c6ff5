package io.stockflow.api.inventory;

import static io.stockflow.db.jooq.Tables.INVENTORY_ADJUSTMENTS;
import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.LOCATIONS;
import static io.stockflow.db.jooq.Tables.PURCHASE_ORDERS;
import static io.stockflow.db.jooq.Tables.SKUS;

import io.stockflow.api.inventory.InventoryViews.CycleCountResult;
import io.stockflow.api.inventory.InventoryViews.Level;
import io.stockflow.api.inventory.InventoryViews.LocationAvailability;
import io.stockflow.api.inventory.InventoryViews.Region;
import io.stockflow.api.inventory.InventoryViews.TransferResult;
import io.stockflow.api.problem.ApiProblem;
import io.stockflow.db.jooq.tables.records.InventoryLevelsRecord;
import io.stockflow.db.jooq.tables.records.PurchaseOrdersRecord;
import io.stockflow.stock.AdjustmentKind;
import io.stockflow.stock.Availability;
import io.stockflow.stock.AvailabilitySettings;
import io.stockflow.stock.AvailabilityStatus;
import io.stockflow.stock.PurchaseOrderStatus;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.jooq.impl.DSL;

/**
 * Stock movements reported by people and the WMS. Each runs in the caller's transaction, changes
 * {@code inventory_levels} with one conditional UPDATE (the WHERE clause re-checks the quantity on
 * the locked row) and records the operator's reason in {@code inventory_adjustments}. Alerts,
 * restock and channel sync react to the row change through the changefeed, not from here.
 */
@Singleton
public class InventoryService {
  private final AvailabilitySettings availabilitySettings;

  public InventoryService(AvailabilitySettings availabilitySettings) {
    this.availabilitySettings = availabilitySettings;
  }

  /**
   * Availability of a SKU. Only sellable rows of active locations count; each counted row
   * contributes its {@link Availability#available available} to totalAvailable and its {@link
   * Availability#availableToSell available to sell} to availableToSell, whose {@link
   * AvailabilitySettings#status band} is the status. Damaged units are already out of on_hand and
   * never count; in-transit units do not count until they arrive.
   */
  public InventoryViews.Availability availability(DSLContext db, String sku) {
    requireSku(db, sku);
    long total = 0;
    long toSell = 0;
    Map<String, long[]> regions = new TreeMap<>();
    List<LocationAvailability> locations = new ArrayList<>();
    for (Record r :
        db.select(INVENTORY_LEVELS.fields())
            .select(LOCATIONS.REGION, LOCATIONS.ACTIVE)
            .from(INVENTORY_LEVELS)
            .join(LOCATIONS)
            .on(LOCATIONS.ID.eq(INVENTORY_LEVELS.LOCATION_ID))
            .where(INVENTORY_LEVELS.SKU.eq(sku))
            .orderBy(INVENTORY_LEVELS.LOCATION_ID)
            .fetch()) {
      Level level = Level.of(r.into(INVENTORY_LEVELS));
      boolean counted = level.sellable() && r.get(LOCATIONS.ACTIVE);
      String region = r.get(LOCATIONS.REGION);
      locations.add(new LocationAvailability(level.locationId(), region, counted, level));
      if (!counted) continue;
      long ats = Availability.availableToSell(level.available(), level.safetyStock());
      total += level.available();
      toSell += ats;
      long[] sums = regions.computeIfAbsent(region, k -> new long[2]);
      sums[0] += level.available();
      sums[1] += ats;
    }
    List<Region> byRegion = new ArrayList<>();
    regions.forEach((region, sums) -> byRegion.add(new Region(region, sums[0], sums[1])));
    AvailabilityStatus status = availabilitySettings.status(toSell);
    String message =
        switch (status) {
          case OUT_OF_STOCK -> "Out of stock";
          case LOW_STOCK -> "Only " + toSell + " left";
          case IN_STOCK -> "In stock";
        };
    return new InventoryViews.Availability(
        sku, total, toSell, status.code(), message, byRegion, locations);
  }

  /** One row, or 404 naming what is missing (the SKU, the location, or the row). */
  public Level level(DSLContext db, String sku, String location) {
    return Level.of(requireLevel(db, sku, location));
  }

  /**
   * Receives stock: on_hand grows (the row is created when the SKU is new at the location). With a
   * purchase order, that order (same SKU and location, open or late) becomes received and its
   * quantity leaves in_transit_in. Refused with 409 when the row is receiving_blocked.
   */
  public Level receive(
      DSLContext tx, String sku, String location, InventoryRequests.Receipt r, String actor) {
    requireSku(tx, sku);
    requireLocation(tx, location);
    ensureRow(tx, sku, location);
    InventoryLevelsRecord before = lockRow(tx, sku, location);
    if (before.getReceivingBlocked()) {
      throw ApiProblem.conflict(
          "receiving-blocked",
          "Receiving blocked",
          "receiving is blocked for " + sku + " at " + location,
          Map.of("sku", sku, "locationId", location));
    }
    var update =
        tx.update(INVENTORY_LEVELS)
            .set(INVENTORY_LEVELS.ON_HAND, INVENTORY_LEVELS.ON_HAND.plus(r.quantity()));
    if (r.purchaseOrderId() != null) {
      markReceived(tx, r.purchaseOrderId(), sku, location);
      update =
          update.set(
              INVENTORY_LEVELS.IN_TRANSIT_IN,
              DSL.greatest(INVENTORY_LEVELS.IN_TRANSIT_IN.minus(r.quantity()), DSL.val(0L)));
    }
    update.where(rowIs(sku, location)).execute();
    record(
        tx,
        sku,
        location,
        AdjustmentKind.RECEIPT,
        r.quantity(),
        before.getOnHand(),
        null,
        null,
        r.purchaseOrderId() != null ? "po:" + r.purchaseOrderId() : r.reference(),
        actor);
    return level(tx, sku, location);
  }

  /**
   * Sets on_hand to the counted figure and stamps last_counted_at. A count below what is promised
   * (allocated + reserved) is refused by the database's inventory_never_oversold (409 naming it).
   */
  public CycleCountResult cycleCount(
      DSLContext tx, String sku, String location, InventoryRequests.CycleCount c, String actor) {
    InventoryLevelsRecord before = requireLevelLocked(tx, sku, location);
    tx.update(INVENTORY_LEVELS)
        .set(INVENTORY_LEVELS.ON_HAND, c.countedOnHand())
        .set(INVENTORY_LEVELS.LAST_COUNTED_AT, OffsetDateTime.now(ZoneOffset.UTC))
        .where(rowIs(sku, location))
        .execute();
    long variance = c.countedOnHand() - before.getOnHand();
    record(
        tx,
        sku,
        location,
        AdjustmentKind.CYCLE_COUNT,
        variance,
        before.getOnHand(),
        null,
        c.reason(),
        null,
        actor);
    return new CycleCountResult(
        before.getOnHand(), c.countedOnHand(), variance, c.reason(), level(tx, sku, location));
  }

  /** Moves units from on_hand to damaged; only available units can be written off (else 409). */
  public Level damage(
      DSLContext tx, String sku, String location, InventoryRequests.Damage d, String actor) {
    InventoryLevelsRecord before = requireLevelLocked(tx, sku, location);
    int changed =
        tx.update(INVENTORY_LEVELS)
            .set(INVENTORY_LEVELS.ON_HAND, INVENTORY_LEVELS.ON_HAND.minus(d.quantity()))
            .set(INVENTORY_LEVELS.DAMAGED, INVENTORY_LEVELS.DAMAGED.plus(d.quantity()))
            .where(rowIs(sku, location))
            .and(availableAtLeast(d.quantity()))
            .execute();
    if (changed == 0) throw insufficientAvailable(before, d.quantity(), "damage");
    record(
        tx,
        sku,
        location,
        AdjustmentKind.DAMAGE,
        -d.quantity(),
        before.getOnHand(),
        null,
        d.reason(),
        null,
        actor);
    return level(tx, sku, location);
  }

  /**
   * Ships a transfer: the source's on_hand becomes in_transit_out (only available units), the
   * destination's in_transit_in grows (its row is created if needed).
   */
  public TransferResult transferOut(
      DSLContext tx, String sku, InventoryRequests.Transfer t, String actor) {
    requireDistinct(t);
    requireLevel(tx, sku, t.fromLocationId());
    requireLocation(tx, t.toLocationId());
    ensureRow(tx, sku, t.toLocationId());
    InventoryLevelsRecord from = lockBoth(tx, sku, t).get(t.fromLocationId());
    int changed =
        tx.update(INVENTORY_LEVELS)
            .set(INVENTORY_LEVELS.ON_HAND, INVENTORY_LEVELS.ON_HAND.minus(t.quantity()))
            .set(
                INVENTORY_LEVELS.IN_TRANSIT_OUT, INVENTORY_LEVELS.IN_TRANSIT_OUT.plus(t.quantity()))
            .where(rowIs(sku, t.fromLocationId()))
            .and(availableAtLeast(t.quantity()))
            .execute();
    if (changed == 0) throw insufficientAvailable(from, t.quantity(), "transfer");
    tx.update(INVENTORY_LEVELS)
        .set(INVENTORY_LEVELS.IN_TRANSIT_IN, INVENTORY_LEVELS.IN_TRANSIT_IN.plus(t.quantity()))
        .where(rowIs(sku, t.toLocationId()))
        .execute();
    record(
        tx,
        sku,
        t.fromLocationId(),
        AdjustmentKind.TRANSFER_OUT,
        -t.quantity(),
        from.getOnHand(),
        t.toLocationId(),
        null,
        t.reference(),
        actor);
    return new TransferResult(level(tx, sku, t.fromLocationId()), level(tx, sku, t.toLocationId()));
  }

  /**
   * A transfer arrived: the source's in_transit_out and the destination's in_transit_in shrink, the
   * destination's on_hand grows. 409 if that much is not in transit on both sides.
   */
  public TransferResult transferIn(
      DSLContext tx, String sku, InventoryRequests.Transfer t, String actor) {
    requireDistinct(t);
    requireLevel(tx, sku, t.fromLocationId());
    requireLevel(tx, sku, t.toLocationId());
    Map<String, InventoryLevelsRecord> rows = lockBoth(tx, sku, t);
    InventoryLevelsRecord from = rows.get(t.fromLocationId());
    InventoryLevelsRecord to = rows.get(t.toLocationId());
    int out =
        tx.update(INVENTORY_LEVELS)
            .set(
                INVENTORY_LEVELS.IN_TRANSIT_OUT,
                INVENTORY_LEVELS.IN_TRANSIT_OUT.minus(t.quantity()))
            .where(rowIs(sku, t.fromLocationId()))
            .and(INVENTORY_LEVELS.IN_TRANSIT_OUT.ge(t.quantity()))
            .execute();
    int in =
        tx.update(INVENTORY_LEVELS)
            .set(INVENTORY_LEVELS.IN_TRANSIT_IN, INVENTORY_LEVELS.IN_TRANSIT_IN.minus(t.quantity()))
            .set(INVENTORY_LEVELS.ON_HAND, INVENTORY_LEVELS.ON_HAND.plus(t.quantity()))
            .where(rowIs(sku, t.toLocationId()))
            .and(INVENTORY_LEVELS.IN_TRANSIT_IN.ge(t.quantity()))
            .execute();
    if (out == 0 || in == 0) {
      // Thrown inside the transaction: the update that did succeed is rolled back with it.
      throw ApiProblem.conflict(
          "not-in-transit",
          "Not in transit",
          "only "
              + from.getInTransitOut()
              + " in transit out of "
              + t.fromLocationId()
              + " and "
              + to.getInTransitIn()
              + " in transit into "
              + t.toLocationId()
              + "; cannot receive "
              + t.quantity(),
          Map.of(
              "inTransitOut", from.getInTransitOut(),
              "inTransitIn", to.getInTransitIn(),
              "requested", t.quantity()));
    }
    record(
        tx,
        sku,
        t.toLocationId(),
        AdjustmentKind.TRANSFER_IN,
        t.quantity(),
        to.getOnHand(),
        t.fromLocationId(),
        null,
        t.reference(),
        actor);
    return new TransferResult(level(tx, sku, t.fromLocationId()), level(tx, sku, t.toLocationId()));
  }

  /** Sets reorder point, safety stock and max stock (max 0 means "no maximum"). */
  public Level thresholds(
      DSLContext tx, String sku, String location, InventoryRequests.Thresholds t) {
    if (t.maxStock() != 0 && t.maxStock() < t.reorderPoint()) {
      throw ApiProblem.invalidField(
          "maxStock", "must be 0 (no maximum) or at least reorderPoint (" + t.reorderPoint() + ")");
    }
    requireLevelLocked(tx, sku, location);
    tx.update(INVENTORY_LEVELS)
        .set(INVENTORY_LEVELS.REORDER_POINT, t.reorderPoint())
        .set(INVENTORY_LEVELS.SAFETY_STOCK, t.safetyStock())
        .set(INVENTORY_LEVELS.MAX_STOCK, t.maxStock())
        .where(rowIs(sku, location))
        .execute();
    return level(tx, sku, location);
  }

  private static Condition rowIs(String sku, String location) {
    return INVENTORY_LEVELS.SKU.eq(sku).and(INVENTORY_LEVELS.LOCATION_ID.eq(location));
  }

  private static Condition availableAtLeast(long quantity) {
    return Availability.AVAILABLE.ge(quantity);
  }

  private static void requireDistinct(InventoryRequests.Transfer t) {
    if (t.fromLocationId().equals(t.toLocationId())) {
      throw ApiProblem.invalidField("toLocationId", "must differ from fromLocationId");
    }
  }

  private static void requireSku(DSLContext db, String sku) {
    if (!db.fetchExists(SKUS, SKUS.SKU.eq(sku))) throw ApiProblem.notFound("sku", sku);
  }

  private static void requireLocation(DSLContext db, String location) {
    if (!db.fetchExists(LOCATIONS, LOCATIONS.ID.eq(location))) {
      throw ApiProblem.notFound("location", location);
    }
  }

  private static InventoryLevelsRecord requireLevel(DSLContext db, String sku, String location) {
    InventoryLevelsRecord r =
        db.selectFrom(INVENTORY_LEVELS).where(rowIs(sku, location)).fetchOne();
    if (r == null) throw missingLevel(db, sku, location);
    return r;
  }

  /** The row, locked for the rest of the transaction so the "before" figures stay true. */
  private static InventoryLevelsRecord requireLevelLocked(
      DSLContext tx, String sku, String location) {
    InventoryLevelsRecord r = lockRow(tx, sku, location);
    if (r == null) throw missingLevel(tx, sku, location);
    return r;
  }

  /**
   * Locks both rows of a transfer in location-id order, so two opposite transfers queue instead of
   * deadlocking.
   */
  private static Map<String, InventoryLevelsRecord> lockBoth(
      DSLContext tx, String sku, InventoryRequests.Transfer t) {
    Map<String, InventoryLevelsRecord> rows = new TreeMap<>();
    for (String location : new java.util.TreeSet<>(List.of(t.fromLocationId(), t.toLocationId()))) {
      rows.put(location, lockRow(tx, sku, location));
    }
    return rows;
  }

  private static InventoryLevelsRecord lockRow(DSLContext tx, String sku, String location) {
    return tx.selectFrom(INVENTORY_LEVELS).where(rowIs(sku, location)).forUpdate().fetchOne();
  }

  private static ApiProblem missingLevel(DSLContext db, String sku, String location) {
    requireSku(db, sku);
    requireLocation(db, location);
    return ApiProblem.notFound("inventory level", sku + "@" + location);
  }

  private static void ensureRow(DSLContext tx, String sku, String location) {
    tx.insertInto(INVENTORY_LEVELS, INVENTORY_LEVELS.SKU, INVENTORY_LEVELS.LOCATION_ID)
        .values(sku, location)
        .onConflictDoNothing()
        .execute();
  }

  private static void markReceived(DSLContext tx, java.util.UUID po, String sku, String location) {
    PurchaseOrdersRecord r =
        tx.selectFrom(PURCHASE_ORDERS).where(PURCHASE_ORDERS.ID.eq(po)).fetchOne();
    if (r == null || !r.getSku().equals(sku) || !r.getLocationId().equals(location)) {
      throw ApiProblem.invalidField(
          "purchaseOrderId", "no purchase order " + po + " for " + sku + " at " + location);
    }
    int changed =
        tx.update(PURCHASE_ORDERS)
            .set(PURCHASE_ORDERS.STATUS, PurchaseOrderStatus.RECEIVED.code())
            .set(PURCHASE_ORDERS.RECEIVED_AT, OffsetDateTime.now(ZoneOffset.UTC))
            .where(PURCHASE_ORDERS.ID.eq(po))
            .and(PURCHASE_ORDERS.STATUS.in(PurchaseOrderStatus.OUTSTANDING))
            .execute();
    if (changed == 0) {
      throw ApiProblem.conflict(
          "purchase-order-not-open",
          "Purchase order not open",
          "purchase order " + po + " is " + r.getStatus(),
          Map.of("purchaseOrderId", po.toString(), "status", r.getStatus()));
    }
  }

  private static ApiProblem insufficientAvailable(
      InventoryLevelsRecord row, long requested, String what) {
    long available = Availability.available(row);
    return ApiProblem.conflict(
        "insufficient-available",
        "Not enough available",
        "cannot "
            + what
            + " "
            + requested
            + " of "
            + row.getSku()
            + " at "
            + row.getLocationId()
            + ": only "
            + available
            + " available (allocated and reserved units are promised)",
        Map.of("available", available, "requested", requested));
  }

  private static void record(
      DSLContext tx,
      String sku,
      String location,
      AdjustmentKind kind,
      long delta,
      long previousOnHand,
      String counterpart,
      String reason,
      String reference,
      String actor) {
    tx.insertInto(INVENTORY_ADJUSTMENTS)
        .set(INVENTORY_ADJUSTMENTS.SKU, sku)
        .set(INVENTORY_ADJUSTMENTS.LOCATION_ID, location)
        .set(INVENTORY_ADJUSTMENTS.KIND, kind.code())
        .set(INVENTORY_ADJUSTMENTS.ON_HAND_DELTA, delta)
        .set(INVENTORY_ADJUSTMENTS.PREVIOUS_ON_HAND, previousOnHand)
        .set(INVENTORY_ADJUSTMENTS.COUNTERPART_LOCATION_ID, counterpart)
        .set(INVENTORY_ADJUSTMENTS.REASON, reason)
        .set(INVENTORY_ADJUSTMENTS.REFERENCE, reference)
        .set(INVENTORY_ADJUSTMENTS.ACTOR, actor)
        .execute();
  }
}
