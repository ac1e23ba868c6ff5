package io.stockflow.api.orders;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.ORDERS;
import static io.stockflow.db.jooq.Tables.ORDER_LINES;
import static io.stockflow.db.jooq.Tables.RESERVATIONS;

import io.micronaut.http.HttpStatus;
import io.stockflow.api.ownership.Requester;
import io.stockflow.api.problem.ApiProblem;
import io.stockflow.api.security.Roles;
import io.stockflow.db.jooq.tables.records.OrderLinesRecord;
import io.stockflow.db.jooq.tables.records.OrdersRecord;
import io.stockflow.db.jooq.tables.records.ReservationsRecord;
import io.stockflow.stock.DbCode;
import io.stockflow.stock.OrderStatus;
import io.stockflow.stock.ReservationStatus;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.jooq.DSLContext;

/**
 * Orders made from confirmed reservations, and their lifecycle. Allocation happened when the
 * reservations were confirmed, so creating and confirming an order move no stock; shipping consumes
 * the allocated units (allocated and on_hand both shrink: the goods left the building); cancelling
 * releases them (allocated shrinks, so they are available again). Each transition is a conditional
 * UPDATE on the current status, so two concurrent transitions cannot both win.
 *
 * <p><b>Ownership.</b> An order belongs to its cart's owner. A channel that does not own it gets
 * 404 for it, exactly as for an order that does not exist; ops and associates reach every order
 * (fulfilment is the building's work, whoever sold the goods). See {@link Requester}.
 */
@Singleton
public class OrderService {
  /** Transitions warehouse work performs; channels may only confirm and cancel. */
  private static final Set<OrderStatus> WAREHOUSE =
      EnumSet.of(
          OrderStatus.PICKED, OrderStatus.PACKED, OrderStatus.SHIPPED, OrderStatus.DELIVERED);

  /** Result of {@link #create}: the order and whether this call created it. */
  public record Outcome(OrderView order, boolean created) {}

  /**
   * Creates the cart's order from its confirmed reservations. Idempotent per cart ({@code
   * orders_cart_unique}): the existing order is returned. 404 if the cart has no reservations or
   * {@code cartCaller} may not see the cart, 409 if any of them is not confirmed.
   *
   * @param cartCaller the caller, scoped for carts ({@link Requester#forCarts})
   */
  public Outcome create(DSLContext tx, OrderRequests.Create request, Requester cartCaller) {
    OrdersRecord existing =
        tx.selectFrom(ORDERS).where(ORDERS.CART_ID.eq(request.cartId())).fetchOne();
    if (existing != null) {
      // Someone else's cart: the same 404 as for a cart that does not exist.
      if (!cartCaller.mayAccess(existing.getOwnerPrincipal())) {
        throw ApiProblem.notFound("cart reservation", request.cartId());
      }
      return new Outcome(view(tx, existing), false);
    }
    List<ReservationsRecord> reservations =
        tx.selectFrom(RESERVATIONS)
            .where(RESERVATIONS.CART_ID.eq(request.cartId()))
            .orderBy(RESERVATIONS.ID)
            .fetch();
    if (reservations.isEmpty()
        || !reservations.stream().allMatch(r -> cartCaller.mayAccess(r.getOwnerPrincipal()))) {
      throw ApiProblem.notFound("cart reservation", request.cartId());
    }
    List<String> notConfirmed =
        reservations.stream()
            .filter(r -> !ReservationStatus.CONFIRMED.is(r.getStatus()))
            .map(r -> r.getId() + " is " + r.getStatus())
            .toList();
    if (!notConfirmed.isEmpty()) {
      throw ApiProblem.conflict(
          "reservation-not-confirmed",
          "Reservations not confirmed",
          "confirm the cart's reservations first: " + String.join(", ", notConfirmed),
          Map.of("cartId", request.cartId(), "reasons", notConfirmed));
    }
    UUID id = UUID.randomUUID();
    // Link the cart's lines to the order FIRST, with a conditional UPDATE, and insist that every
    // line was linked. The reservation sweep releases a confirmed line that waited too long for
    // its order with the mirror-image condition (status = 'confirmed' AND order_id IS NULL, see
    // ReservationReleases.releaseUnorderedIfDue), on the same rows, so the two are serialised by
    // the row locks (PostgreSQL: the later UPDATE waits, then re-checks its WHERE on the committed
    // row; CockroachDB: one transaction gets 40001 and runs again). Order first: the sweep then
    // finds order_id set and releases nothing. Sweep first: fewer lines match here, this whole
    // transaction (order row included) rolls back with 409, and no order ever points at stock that
    // is no longer allocated. The SELECT above alone could not decide it: the sweep may commit
    // between that read and this write.
    int linked =
        tx.update(RESERVATIONS)
            .set(RESERVATIONS.ORDER_ID, id)
            .where(RESERVATIONS.CART_ID.eq(request.cartId()))
            .and(RESERVATIONS.STATUS.eq(ReservationStatus.CONFIRMED.code()))
            .and(RESERVATIONS.ORDER_ID.isNull())
            .execute();
    if (linked != reservations.size()) {
      // None linked may also mean a concurrent request for the same cart created its order first
      // (it linked every line): then that order is the answer, as for any repeated create.
      OrdersRecord winner =
          linked == 0
              ? tx.selectFrom(ORDERS).where(ORDERS.CART_ID.eq(request.cartId())).fetchOne()
              : null;
      if (winner != null) return new Outcome(view(tx, winner), false);
      throw ApiProblem.conflict(
          "reservation-not-confirmed",
          "Reservations not confirmed",
          "cart "
              + request.cartId()
              + " changed while its order was being created (a confirmed hold without an order is"
              + " released after stockflow.reservations.confirmed-order-timeout); read it and"
              + " reserve again",
          Map.of("cartId", request.cartId()));
    }
    // The order is the cart owner's, also when ops creates it for them; a cart from before
    // ownership was recorded becomes the caller's.
    String cartOwner = reservations.get(0).getOwnerPrincipal();
    tx.insertInto(ORDERS)
        .set(ORDERS.ID, id)
        .set(ORDERS.CART_ID, request.cartId())
        .set(ORDERS.LOCATION_ID, reservations.get(0).getLocationId())
        .set(ORDERS.STATUS, OrderStatus.PENDING.code())
        .set(ORDERS.CUSTOMER_REF, request.customerRef())
        .set(ORDERS.OWNER_PRINCIPAL, cartOwner != null ? cartOwner : cartCaller.principal())
        .execute();
    for (ReservationsRecord r : reservations) {
      long lineNo = Long.parseLong(r.getId().substring(r.getId().lastIndexOf(':') + 1));
      tx.insertInto(ORDER_LINES)
          .set(ORDER_LINES.ORDER_ID, id)
          .set(ORDER_LINES.LINE_NO, lineNo)
          .set(ORDER_LINES.SKU, r.getSku())
          .set(ORDER_LINES.QUANTITY, r.getQuantity())
          .set(ORDER_LINES.RESERVATION_ID, r.getId())
          .execute();
    }
    return new Outcome(view(tx, tx.selectFrom(ORDERS).where(ORDERS.ID.eq(id)).fetchOne()), true);
  }

  /**
   * The order, or 404 when it does not exist or {@code caller} (scoped for orders, {@link
   * Requester#forOrders}) may not see it.
   */
  public OrderView get(DSLContext db, UUID id, Requester caller) {
    return view(db, visibleOrder(db, id, caller));
  }

  private static OrdersRecord visibleOrder(DSLContext db, UUID id, Requester caller) {
    OrdersRecord order = db.selectFrom(ORDERS).where(ORDERS.ID.eq(id)).fetchOne();
    if (order == null || !caller.mayAccess(order.getOwnerPrincipal())) {
      throw ApiProblem.notFound("order", id.toString());
    }
    return order;
  }

  /**
   * Moves the order to {@code to} with its inventory effect. Moving to the status it already has is
   * a no-op (a retried request succeeds); any other move not in the lifecycle is 409 {@code
   * illegal-transition} naming from and to.
   */
  public OrderView transition(
      DSLContext tx,
      UUID id,
      OrderRequests.Transition request,
      Collection<String> roles,
      Requester caller) {
    OrderStatus to =
        OrderStatus.of(request.status())
            .orElseThrow(
                () ->
                    ApiProblem.badRequest(
                        "status",
                        "unknown status '"
                            + request.status()
                            + "'; one of "
                            + String.join(", ", DbCode.codes(OrderStatus.values()))));
    if (WAREHOUSE.contains(to) && !roles.contains(Roles.ASSOCIATE) && !roles.contains(Roles.OPS)) {
      throw new ApiProblem(
          HttpStatus.FORBIDDEN,
          "forbidden",
          "Forbidden",
          "moving an order to " + to.code() + " needs the associate or ops role",
          List.of(),
          Map.of());
    }
    OrdersRecord order = visibleOrder(tx, id, caller);
    OrderStatus from = OrderStatus.of(order.getStatus()).orElseThrow();
    if (from == to) return view(tx, order);
    if (!from.canMoveTo(to)) {
      throw ApiProblem.conflict(
          "illegal-transition",
          "Illegal order transition",
          "order "
              + id
              + " cannot go from "
              + from.code()
              + " to "
              + to.code()
              + (from.next().isEmpty()
                  ? " (" + from.code() + " is final)"
                  : "; allowed: " + from.nextCodes()),
          Map.of("from", from.code(), "to", to.code(), "allowed", from.nextCodes()));
    }
    int changed =
        tx.update(ORDERS)
            .set(ORDERS.STATUS, to.code())
            .where(ORDERS.ID.eq(id))
            .and(ORDERS.STATUS.eq(from.code()))
            .execute();
    if (changed == 0) {
      throw ApiProblem.conflict(
          "concurrent-change",
          "Changed concurrently",
          "order " + id + " changed while moving it to " + to.code() + "; read it and retry",
          Map.of("orderId", id.toString()));
    }
    if (to == OrderStatus.SHIPPED || to == OrderStatus.CANCELLED) {
      // Same lock order as reserve/confirm/release (sku; one location per order), so a ship or
      // cancel never deadlocks with a checkout touching the same rows in another order.
      List<OrderLinesRecord> bySku = new ArrayList<>(lines(tx, id));
      bySku.sort(
          Comparator.comparing(OrderLinesRecord::getSku)
              .thenComparing(OrderLinesRecord::getLineNo));
      for (OrderLinesRecord line : bySku) {
        consumeAllocation(tx, order.getLocationId(), line, to == OrderStatus.SHIPPED);
      }
    }
    return get(tx, id, caller);
  }

  /** Takes the line out of allocated; when shipped, out of on_hand as well. */
  private static void consumeAllocation(
      DSLContext tx, String location, OrderLinesRecord line, boolean shipped) {
    var update =
        tx.update(INVENTORY_LEVELS)
            .set(INVENTORY_LEVELS.ALLOCATED, INVENTORY_LEVELS.ALLOCATED.minus(line.getQuantity()));
    var step =
        shipped
            ? update.set(
                INVENTORY_LEVELS.ON_HAND, INVENTORY_LEVELS.ON_HAND.minus(line.getQuantity()))
            : update;
    int changed =
        step.where(INVENTORY_LEVELS.SKU.eq(line.getSku()))
            .and(INVENTORY_LEVELS.LOCATION_ID.eq(location))
            .and(INVENTORY_LEVELS.ALLOCATED.ge(line.getQuantity()))
            .execute();
    if (changed == 0) {
      throw ApiProblem.conflict(
          "invariant-breach",
          "Inventory does not hold this order",
          "inventory_levels("
              + line.getSku()
              + ", "
              + location
              + ") allocates less than order line "
              + line.getLineNo()
              + " needs; investigate direct writes",
          Map.of("sku", line.getSku(), "locationId", location));
    }
  }

  private static List<OrderLinesRecord> lines(DSLContext db, UUID id) {
    return db.selectFrom(ORDER_LINES)
        .where(ORDER_LINES.ORDER_ID.eq(id))
        .orderBy(ORDER_LINES.LINE_NO)
        .fetch();
  }

  private static OrderView view(DSLContext db, OrdersRecord o) {
    List<OrderView.Line> lines = new ArrayList<>();
    for (OrderLinesRecord l : lines(db, o.getId())) {
      lines.add(
          new OrderView.Line(l.getLineNo(), l.getSku(), l.getQuantity(), l.getReservationId()));
    }
    return new OrderView(
        o.getId(),
        o.getCartId(),
        o.getLocationId(),
        o.getStatus(),
        o.getCustomerRef(),
        o.getCreatedAt().toInstant(),
        lines);
  }
}
