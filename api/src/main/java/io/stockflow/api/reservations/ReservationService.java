package io.stockflow.api.reservations;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.LOCATIONS;
import static io.stockflow.db.jooq.Tables.PURCHASE_LIMITS;
import static io.stockflow.db.jooq.Tables.PURCHASE_LIMIT_LOCKS;
import static io.stockflow.db.jooq.Tables.RESERVATIONS;
import static io.stockflow.db.jooq.Tables.SKUS;

import io.micronaut.http.HttpStatus;
import io.stockflow.api.ownership.Requester;
import io.stockflow.api.problem.ApiProblem;
import io.stockflow.db.jooq.tables.records.ReservationsRecord;
import io.stockflow.stock.Availability;
import io.stockflow.stock.DbCode;
import io.stockflow.stock.ReservationStatus;
import jakarta.inject.Singleton;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Record3;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;

/**
 * Reservations that never oversell. Every method runs inside the caller's transaction (see {@link
 * io.stockflow.api.idempotency.Idempotency}) and changes stock only with conditional updates whose
 * WHERE clause re-checks availability on the locked row, so two concurrent checkouts can never take
 * the same unit; the {@code inventory_never_oversold} CHECK constraint is the second line of
 * defence.
 *
 * <p><b>Location rule.</b> A cart is served from ONE location (one shipment): among the sellable
 * rows ({@code inventory_levels.sellable}) of active locations that have enough {@link
 * Availability#available available} for every line, the location with the most total available
 * across the cart's SKUs wins; ties go to the smallest location id. If that location's stock is
 * taken by a concurrent request between the read and the update, the next candidate is tried. No
 * candidate: 409 {@code insufficient-stock} listing the lines no single location can serve. Safety
 * stock is NOT held back here (it is a channel-facing buffer, see availability).
 */
@Singleton
public class ReservationService {
  private static final Field<Long> AVAILABLE = Availability.AVAILABLE.as("available");

  private final ReservationsConfiguration config;
  private final Clock clock;

  public ReservationService(ReservationsConfiguration config) {
    this(config, Clock.systemUTC());
  }

  ReservationService(ReservationsConfiguration config, Clock clock) {
    this.config = config;
    this.clock = clock;
  }

  /** The reservation id of a cart line: the caller's natural idempotency key. */
  public static String reservationId(String cartId, int lineNo) {
    return cartId + ":" + lineNo;
  }

  /**
   * Reserves every line or none, owned by {@code caller}. Returns the existing reservations
   * unchanged when the same cart is sent again by a caller that may see it ({@code created=false}).
   */
  public Outcome reserve(DSLContext tx, ReserveRequest request, Requester caller) {
    List<ReserveRequest.Line> lines = validateLines(request);
    List<ReservationsRecord> existing = forCart(tx, request.cartId());
    if (!existing.isEmpty()) return new Outcome(sameCart(request, lines, existing, caller), false);

    requireKnownSkus(tx, lines);
    Map<String, Long> demand = demand(lines);
    // Purchase-limit locks come before any inventory row lock, in every transaction (here and in
    // a group-commit batch): one global order, so the two kinds of lock never deadlock.
    enforcePurchaseLimits(tx, request.customerRef(), demand);

    Map<String, Map<String, Long>> availableByLocation = availability(tx, demand.keySet());
    List<String> candidates = candidates(demand, availableByLocation);
    // Lock rows in one global order (sku, then line) so two carts never deadlock on each other.
    List<ReserveRequest.Line> ordered =
        lines.stream()
            .sorted(
                Comparator.comparing(ReserveRequest.Line::sku)
                    .thenComparing(ReserveRequest.Line::lineNo))
            .toList();
    for (String location : candidates) {
      if (tryHold(tx, location, ordered)) {
        return new Outcome(insertHolds(tx, request, location, caller.principal()), true);
      }
    }
    throw insufficient(lines, availableByLocation);
  }

  /**
   * Reserves a single-line cart at {@code location} inside a group-commit batch (the caller's
   * transaction, under the caller's savepoint). Same checks as {@link #reserve} in the same order;
   * if the location has not enough available when this runs, throws {@link NotHere} so the caller
   * can roll back to its savepoint and try elsewhere from a fresh read.
   */
  public Outcome reserveAt(
      DSLContext tx, ReserveRequest request, String location, Requester caller) {
    List<ReserveRequest.Line> lines = validateLines(request);
    List<ReservationsRecord> existing = forCart(tx, request.cartId());
    if (!existing.isEmpty()) return new Outcome(sameCart(request, lines, existing, caller), false);
    enforcePurchaseLimits(tx, request.customerRef(), demand(lines));
    if (!tryHold(tx, location, lines)) throw NotHere.INSTANCE;
    return new Outcome(insertHolds(tx, request, location, caller.principal()), true);
  }

  /** The location had not enough available when the batch ran; nothing was changed. */
  public static final class NotHere extends RuntimeException {
    static final NotHere INSTANCE = new NotHere();

    private NotHere() {
      super("not enough available at this location", null, false, false);
    }
  }

  /**
   * What a committed read (outside any transaction, so no lock is taken or waited for) says about a
   * cart: whether it is new (no reservations, no stored Idempotency-Key, every SKU known), and
   * which locations could serve it, best first.
   */
  public record Preflight(
      boolean fresh, List<String> candidates, Map<String, Map<String, Long>> availableByLocation) {}

  /**
   * Reads, without locking, what {@link #reserve} would read first. Used to pick the location of a
   * group-commit batch and for the sold-out fast path: see {@link #soldOut}.
   */
  public Preflight preflight(DSLContext db, ReserveRequest request, boolean keyStored) {
    if (keyStored) return new Preflight(false, List.of(), Map.of());
    Map<String, Long> demand = demand(request.lines());
    // ONE statement, so one snapshot and one round trip (this read is all a sold-out refusal
    // costs): whether the cart exists, which SKUs exist, and what each sellable row of an active
    // location has available. Plain SQL, cached per number of SKUs: rendering the equivalent jOOQ
    // DSL was the largest single cost of a refusal in a profile of the flash-sale benchmark.
    List<Object> binds = new ArrayList<>();
    binds.add(request.cartId());
    binds.addAll(demand.keySet());
    Set<String> known = new HashSet<>();
    boolean exists = false;
    Map<String, Map<String, Long>> availableByLocation = new TreeMap<>();
    for (Record r :
        db.fetch(
            PREFLIGHT_SQL.computeIfAbsent(demand.size(), ReservationService::preflightSql),
            binds.toArray())) {
      String sku = r.get(0, String.class);
      String location = r.get(1, String.class);
      known.add(sku);
      exists |= Boolean.TRUE.equals(r.get(3, Boolean.class));
      if (location != null) {
        availableByLocation
            .computeIfAbsent(location, k -> new HashMap<>())
            .put(sku, r.get(2, Long.class));
      }
    }
    // A known cart (same-cart answer) or an unknown SKU (422) is not a question of stock.
    if (exists || known.size() != demand.size()) return new Preflight(false, List.of(), Map.of());
    return new Preflight(true, candidates(demand, availableByLocation), availableByLocation);
  }

  private static final Map<Integer, String> PREFLIGHT_SQL = new ConcurrentHashMap<>();

  /** {@link Availability#available} of the preflight's {@code inventory_levels l}, as SQL text. */
  private static final String AVAILABLE_OF_L =
      DSL.using(SQLDialect.POSTGRES).render(Availability.available(INVENTORY_LEVELS.as("l")));

  /** The preflight statement for {@code skus} SKUs (valid on PostgreSQL and CockroachDB). */
  private static String preflightSql(int skus) {
    return "SELECT s.sku, l.location_id, "
        + AVAILABLE_OF_L
        + ","
        + " EXISTS (SELECT 1 FROM reservations r WHERE r.cart_id = ?)"
        + " FROM skus s LEFT JOIN (inventory_levels l JOIN locations loc"
        + " ON loc.id = l.location_id AND loc.active) ON l.sku = s.sku AND l.sellable"
        + " WHERE s.sku IN ("
        + String.join(", ", Collections.nCopies(skus, "?"))
        + ")";
  }

  /**
   * The sold-out fast path: the refusal for a fresh cart that the committed read of {@link
   * #preflight} shows no location can serve, or null when some location may.
   *
   * <p>Why refusing without taking the row lock is exact: the read is one statement, so it sees one
   * committed state S of the database, taken after this request arrived and before it is answered.
   * In S no sellable row of an active location had {@link Availability#available available} large
   * enough for the cart, so a reserve serialised at the moment of S would have been refused too;
   * the refusal is therefore a valid, linearisable answer ("no stock was available when this
   * request ran"). Stock that appears later (a receipt, a release) is not promised to a request
   * that already ran. It can never cause an oversell: the fast path only ever refuses. The opposite
   * error is harmless too: a stale read that shows stock goes the normal way, to the conditional
   * UPDATE under the row lock. (On CockroachDB the read is a normal serializable read, never AS OF
   * SYSTEM TIME, which could predate the request.)
   */
  public ApiProblem soldOut(ReserveRequest request, Preflight preflight) {
    if (!preflight.fresh() || !preflight.candidates().isEmpty()) return null;
    return insufficient(request.lines(), preflight.availableByLocation());
  }

  /**
   * Locks the purchase-limit rows of {@code customers} for {@code sku} in one statement, sorted,
   * when the SKU has a limit: a group-commit batch takes all of them before any inventory row, so
   * its per-request checks then never wait while holding an inventory row lock.
   */
  public boolean lockPurchaseLimits(DSLContext tx, String sku, Collection<String> customers) {
    if (customers.isEmpty() || limitOf(tx, sku) == null) return false;
    var insert =
        tx.insertInto(
            PURCHASE_LIMIT_LOCKS, PURCHASE_LIMIT_LOCKS.SKU, PURCHASE_LIMIT_LOCKS.CUSTOMER_REF);
    for (String c : new TreeSet<>(customers)) insert = insert.values(sku, c);
    insert
        .onConflict(PURCHASE_LIMIT_LOCKS.SKU, PURCHASE_LIMIT_LOCKS.CUSTOMER_REF)
        .doUpdate()
        .set(PURCHASE_LIMIT_LOCKS.LAST_CHECKED, DSL.currentOffsetDateTime())
        .execute();
    return true;
  }

  /** The carts among {@code cartIds} that already have reservations. */
  public Set<String> existingCarts(DSLContext tx, Collection<String> cartIds) {
    return new HashSet<>(
        tx.selectDistinct(RESERVATIONS.CART_ID)
            .from(RESERVATIONS)
            .where(RESERVATIONS.CART_ID.in(cartIds))
            .fetch(RESERVATIONS.CART_ID));
  }

  /**
   * Reserves a run of NEW single-line carts (distinct cart ids, none existing, no purchase limit to
   * check) for the same (sku, location) in a few statements instead of several per cart: lock the
   * row and read what is available ({@code SELECT … FOR UPDATE}), hand it out in arrival order (a
   * cart gets its units if they are still there, else it is refused here — exactly what one
   * conditional UPDATE per cart in that order would do), then ONE conditional UPDATE adding the
   * total to {@code reserved} (re-checked by the database: {@link Availability#AVAILABLE available}
   * {@code >= total}, and the CHECK behind it) and ONE multi-row INSERT of the reservations.
   *
   * @param owners the principal of each cart of {@code run}, in the same order
   * @return per cart, its reservation, or null when the location had not enough for it
   */
  public List<CartReservation> reserveRun(
      DSLContext tx, String sku, String location, List<ReserveRequest> run, List<String> owners) {
    Long available =
        tx.select(AVAILABLE)
            .from(INVENTORY_LEVELS)
            .where(INVENTORY_LEVELS.SKU.eq(sku))
            .and(INVENTORY_LEVELS.LOCATION_ID.eq(location))
            .and(INVENTORY_LEVELS.SELLABLE.isTrue())
            .forUpdate()
            .fetchOne(AVAILABLE);
    List<CartReservation> result = new ArrayList<>();
    long remaining = available == null ? 0 : available;
    long total = 0;
    List<ReserveRequest> granted = new ArrayList<>();
    List<String> grantedOwners = new ArrayList<>();
    for (int i = 0; i < run.size(); i++) {
      ReserveRequest r = run.get(i);
      long q = r.lines().get(0).quantity();
      if (q <= remaining) {
        remaining -= q;
        total += q;
        granted.add(r);
        grantedOwners.add(owners.get(i));
        result.add(null); // filled below
      } else {
        result.add(null);
      }
    }
    if (granted.isEmpty()) return result;
    int changed = holdIfAvailable(tx, sku, location, total);
    if (changed != 1) {
      // Cannot happen while we hold the row lock; if it does, let the caller fall back to the
      // one-request-at-a-time path rather than trust the arithmetic.
      throw new IllegalStateException(
          "inventory_levels(" + sku + ", " + location + ") changed under its row lock");
    }
    List<CartReservation> views = insertHolds(tx, granted, grantedOwners, location);
    for (int i = 0, g = 0; i < run.size(); i++) {
      if (g < granted.size() && run.get(i) == granted.get(g)) result.set(i, views.get(g++));
    }
    return result;
  }

  /**
   * Refuses (409 {@code purchase-limit-exceeded}) when the customer's active and confirmed holds of
   * a limited SKU plus this cart's would exceed the limit. Exact under concurrency: the customer's
   * lock row for the SKU is upserted first (a row lock held to commit), then the holds are counted,
   * so two purchases by one customer are counted one after the other; see V63. SKUs in sorted
   * order, like every other lock.
   */
  private static void enforcePurchaseLimits(
      DSLContext tx, String customerRef, Map<String, Long> demand) {
    if (customerRef == null) return;
    Map<String, Long> limits = new TreeMap<>();
    tx.select(PURCHASE_LIMITS.SKU, PURCHASE_LIMITS.MAX_PER_CUSTOMER)
        .from(PURCHASE_LIMITS)
        .where(PURCHASE_LIMITS.SKU.in(demand.keySet()))
        .forEach(r -> limits.put(r.value1(), r.value2()));
    for (Map.Entry<String, Long> limit : limits.entrySet()) {
      String sku = limit.getKey();
      tx.insertInto(PURCHASE_LIMIT_LOCKS)
          .set(PURCHASE_LIMIT_LOCKS.SKU, sku)
          .set(PURCHASE_LIMIT_LOCKS.CUSTOMER_REF, customerRef)
          .onConflict(PURCHASE_LIMIT_LOCKS.SKU, PURCHASE_LIMIT_LOCKS.CUSTOMER_REF)
          .doUpdate()
          .set(PURCHASE_LIMIT_LOCKS.LAST_CHECKED, DSL.currentOffsetDateTime())
          .execute();
      long held =
          tx.select(DSL.coalesce(DSL.sum(RESERVATIONS.QUANTITY), BigDecimal.ZERO))
              .from(RESERVATIONS)
              .where(RESERVATIONS.CUSTOMER_REF.eq(customerRef))
              .and(RESERVATIONS.SKU.eq(sku))
              .and(
                  RESERVATIONS.STATUS.in(
                      DbCode.codes(ReservationStatus.ACTIVE, ReservationStatus.CONFIRMED)))
              .fetchOne(0, Long.class);
      long wanted = demand.get(sku);
      if (held + wanted > limit.getValue()) {
        throw ApiProblem.conflict(
            "purchase-limit-exceeded",
            "Purchase limit exceeded",
            "customer "
                + customerRef
                + " may hold at most "
                + limit.getValue()
                + " of "
                + sku
                + "; already holds "
                + held
                + ", asked for "
                + wanted,
            Map.of(
                "sku",
                sku,
                "customerRef",
                customerRef,
                "limit",
                limit.getValue(),
                "held",
                held,
                "requested",
                wanted));
      }
    }
  }

  private static Long limitOf(DSLContext tx, String sku) {
    return tx.select(PURCHASE_LIMITS.MAX_PER_CUSTOMER)
        .from(PURCHASE_LIMITS)
        .where(PURCHASE_LIMITS.SKU.eq(sku))
        .fetchOne(PURCHASE_LIMITS.MAX_PER_CUSTOMER);
  }

  private static Map<String, Long> demand(List<ReserveRequest.Line> lines) {
    Map<String, Long> demand = new TreeMap<>();
    lines.forEach(l -> demand.merge(l.sku(), l.quantity(), Long::sum));
    return demand;
  }

  /**
   * Inserts one active reservation per line at {@code location}, owned by {@code owner}; returns
   * the cart's view.
   */
  private CartReservation insertHolds(
      DSLContext tx, ReserveRequest request, String location, String owner) {
    return insertHolds(tx, List.of(request), List.of(owner), location).get(0);
  }

  /** The same for several carts in ONE multi-row INSERT; views in the order of {@code requests}. */
  private List<CartReservation> insertHolds(
      DSLContext tx, List<ReserveRequest> requests, List<String> owners, String location) {
    // Microseconds, as the column stores them, so the view built below equals what a read returns.
    Instant expiresAt = clock.instant().plus(config.ttl()).truncatedTo(ChronoUnit.MICROS);
    OffsetDateTime expires = OffsetDateTime.ofInstant(expiresAt, ZoneOffset.UTC);
    var insert =
        tx.insertInto(
            RESERVATIONS,
            RESERVATIONS.ID,
            RESERVATIONS.CART_ID,
            RESERVATIONS.SKU,
            RESERVATIONS.LOCATION_ID,
            RESERVATIONS.QUANTITY,
            RESERVATIONS.STATUS,
            RESERVATIONS.EXPIRES_AT,
            RESERVATIONS.CUSTOMER_REF,
            RESERVATIONS.OWNER_PRINCIPAL);
    List<CartReservation> views = new ArrayList<>();
    for (int r = 0; r < requests.size(); r++) {
      ReserveRequest request = requests.get(r);
      String owner = owners.get(r);
      List<CartReservation.Line> view = new ArrayList<>();
      for (ReserveRequest.Line l : request.lines()) {
        String id = reservationId(request.cartId(), l.lineNo());
        insert =
            insert.values(
                id,
                request.cartId(),
                l.sku(),
                location,
                l.quantity(),
                ReservationStatus.ACTIVE.code(),
                expires,
                request.customerRef(),
                owner);
        view.add(
            new CartReservation.Line(
                id, l.lineNo(), l.sku(), l.quantity(), ReservationStatus.ACTIVE.code()));
      }
      // Built from what was inserted rather than read back: one statement less per request,
      // which counts inside a group-commit batch.
      view.sort(Comparator.comparingInt(CartReservation.Line::lineNo));
      views.add(
          new CartReservation(
              request.cartId(), location, ReservationStatus.ACTIVE.code(), expiresAt, view));
    }
    insert.execute();
    return views;
  }

  /** The cart's reservations, or 404 when there are none or {@code caller} may not see them. */
  public CartReservation get(DSLContext tx, String cartId, Requester caller) {
    return toView(cartId, visibleCart(tx, cartId, caller));
  }

  /**
   * The cart's rows if {@code caller} may see them, else the same 404 as for a cart that does not
   * exist: answering 403 would tell another channel which cart ids are in use.
   */
  private static List<ReservationsRecord> visibleCart(
      DSLContext tx, String cartId, Requester caller) {
    List<ReservationsRecord> rows = forCart(tx, cartId);
    if (rows.isEmpty() || !visible(rows, caller)) {
      throw ApiProblem.notFound("cart reservation", cartId);
    }
    return rows;
  }

  /** Every line of a cart has the same owner; checked per line all the same. */
  private static boolean visible(List<ReservationsRecord> rows, Requester caller) {
    return rows.stream().allMatch(r -> caller.mayAccess(r.getOwnerPrincipal()));
  }

  /**
   * Confirms every active line (reserved becomes allocated). Idempotent: an already confirmed cart
   * is returned as is. A released, expired or past-due line makes the whole call fail with 409 and
   * change nothing; expiry itself is the reservation-expiry workflow's job.
   */
  public CartReservation confirm(DSLContext tx, String cartId, Requester caller) {
    List<ReservationsRecord> rows = visibleCart(tx, cartId, caller);
    Instant now = clock.instant();
    List<String> dead = new ArrayList<>();
    List<String> overdue = new ArrayList<>();
    for (ReservationsRecord r : rows) {
      if (ReservationStatus.RELEASED.is(r.getStatus())
          || ReservationStatus.EXPIRED.is(r.getStatus())) {
        dead.add(r.getId() + " is " + r.getStatus());
      } else if (ReservationStatus.ACTIVE.is(r.getStatus())
          && !r.getExpiresAt().toInstant().isAfter(now)) {
        overdue.add(r.getId());
      }
    }
    if (!dead.isEmpty() || !overdue.isEmpty()) {
      boolean expired = dead.stream().allMatch(d -> d.endsWith(ReservationStatus.EXPIRED.code()));
      List<String> reasons = new ArrayList<>(dead);
      overdue.forEach(id -> reasons.add(id + " expired at its TTL"));
      throw ApiProblem.conflict(
          expired ? "reservation-expired" : "reservation-not-active",
          expired ? "Reservation expired" : "Reservation not active",
          "cannot confirm cart " + cartId + ": " + String.join(", ", reasons),
          Map.of("cartId", cartId, "reasons", reasons));
    }
    for (ReservationsRecord r : inLockOrder(rows)) {
      if (!ReservationStatus.ACTIVE.is(r.getStatus())) continue;
      int changed =
          tx.update(RESERVATIONS)
              .set(RESERVATIONS.STATUS, ReservationStatus.CONFIRMED.code())
              // The confirmed-order-timeout counts from here (ReservationSweeper).
              .set(RESERVATIONS.CONFIRMED_AT, OffsetDateTime.ofInstant(now, ZoneOffset.UTC))
              .where(RESERVATIONS.ID.eq(r.getId()))
              .and(RESERVATIONS.STATUS.eq(ReservationStatus.ACTIVE.code()))
              .execute();
      if (changed == 0) throw concurrentChange(cartId);
      moveHeld(tx, r, INVENTORY_LEVELS.ALLOCATED);
    }
    return toView(cartId, forCart(tx, cartId));
  }

  /**
   * Releases every active line (reserved returns to available). Idempotent: released or expired
   * lines stay as they are. A confirmed line is refused with 409 (cancel the order instead).
   */
  public CartReservation release(DSLContext tx, String cartId, Requester caller) {
    List<ReservationsRecord> rows = visibleCart(tx, cartId, caller);
    List<String> confirmed =
        rows.stream()
            .filter(r -> ReservationStatus.CONFIRMED.is(r.getStatus()))
            .map(ReservationsRecord::getId)
            .toList();
    if (!confirmed.isEmpty()) {
      throw ApiProblem.conflict(
          "reservation-confirmed",
          "Reservation already confirmed",
          "cannot release confirmed reservations " + confirmed + "; cancel the order instead",
          Map.of("cartId", cartId, "confirmed", confirmed));
    }
    for (ReservationsRecord r : inLockOrder(rows)) {
      if (!ReservationStatus.ACTIVE.is(r.getStatus())) continue;
      int changed =
          tx.update(RESERVATIONS)
              .set(RESERVATIONS.STATUS, ReservationStatus.RELEASED.code())
              .where(RESERVATIONS.ID.eq(r.getId()))
              .and(RESERVATIONS.STATUS.eq(ReservationStatus.ACTIVE.code()))
              .execute();
      if (changed == 0) throw concurrentChange(cartId);
      moveHeld(tx, r, null);
    }
    return toView(cartId, forCart(tx, cartId));
  }

  /** Result of {@link #reserve}: the reservations and whether this call created them. */
  public record Outcome(CartReservation reservation, boolean created) {}

  private List<ReserveRequest.Line> validateLines(ReserveRequest request) {
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < request.lines().size(); i++) {
      ReserveRequest.Line l = request.lines().get(i);
      if (!seen.add(l.lineNo())) {
        throw ApiProblem.invalidField(
            "lines[" + i + "].lineNo", "duplicate line number " + l.lineNo());
      }
    }
    return request.lines();
  }

  /**
   * A cart's rows in the one lock order every stock change uses: (sku, location), then id. By id
   * alone ("c:1" before "c:2") a cart whose line 1 is SKU-B would lock B then A while a reserve
   * locks A then B, and the two deadlock (40P01).
   */
  private static List<ReservationsRecord> inLockOrder(List<ReservationsRecord> rows) {
    List<ReservationsRecord> sorted = new ArrayList<>(rows);
    sorted.sort(
        Comparator.comparing(ReservationsRecord::getSku)
            .thenComparing(ReservationsRecord::getLocationId)
            .thenComparing(ReservationsRecord::getId));
    return sorted;
  }

  private static List<ReservationsRecord> forCart(DSLContext tx, String cartId) {
    return tx.selectFrom(RESERVATIONS)
        .where(RESERVATIONS.CART_ID.eq(cartId))
        .orderBy(RESERVATIONS.ID)
        .fetch();
  }

  /**
   * The same cart again: identical lines return what exists; anything else is a conflict. So is a
   * cart id another caller already uses, whatever its lines: its reservations are not this caller's
   * to see (cart ids are one namespace, so the conflict itself cannot be avoided; it shows nothing
   * of the other cart).
   */
  private CartReservation sameCart(
      ReserveRequest request,
      List<ReserveRequest.Line> lines,
      List<ReservationsRecord> existing,
      Requester caller) {
    if (!visible(existing, caller)) {
      throw ApiProblem.conflict(
          "cart-already-reserved",
          "Cart already reserved",
          "cart id " + request.cartId() + " is already in use; reserve under a new cart id",
          Map.of("cartId", request.cartId()));
    }
    Map<String, ReservationsRecord> byId = new HashMap<>();
    existing.forEach(r -> byId.put(r.getId(), r));
    boolean same = existing.size() == lines.size();
    for (ReserveRequest.Line l : lines) {
      ReservationsRecord r = byId.get(reservationId(request.cartId(), l.lineNo()));
      same &= r != null && r.getSku().equals(l.sku()) && r.getQuantity().equals(l.quantity());
    }
    if (!same) {
      throw ApiProblem.conflict(
          "cart-already-reserved",
          "Cart already reserved",
          "cart "
              + request.cartId()
              + " already has reservations with different lines;"
              + " release them and reserve under a new cart id",
          Map.of("cartId", request.cartId()));
    }
    return toView(request.cartId(), existing);
  }

  private static void requireKnownSkus(DSLContext tx, List<ReserveRequest.Line> lines) {
    Set<String> wanted = new HashSet<>();
    lines.forEach(l -> wanted.add(l.sku()));
    Set<String> known =
        new HashSet<>(tx.select(SKUS.SKU).from(SKUS).where(SKUS.SKU.in(wanted)).fetch(SKUS.SKU));
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      if (!known.contains(lines.get(i).sku())) {
        errors.add(
            new ApiProblem.FieldError(
                "lines[" + i + "].sku", "unknown SKU '" + lines.get(i).sku() + "'"));
      }
    }
    if (!errors.isEmpty()) {
      throw new ApiProblem(
          HttpStatus.UNPROCESSABLE_ENTITY,
          "unknown-sku",
          "Unknown SKU",
          String.join("; ", errors.stream().map(e -> e.field() + ": " + e.reason()).toList()),
          errors,
          Map.of());
    }
  }

  /** location → sku → available, for sellable rows of active locations. */
  private static Map<String, Map<String, Long>> availability(DSLContext tx, Set<String> skus) {
    Map<String, Map<String, Long>> result = new TreeMap<>();
    for (Record3<String, String, Long> r :
        tx.select(INVENTORY_LEVELS.LOCATION_ID, INVENTORY_LEVELS.SKU, AVAILABLE)
            .from(INVENTORY_LEVELS)
            .join(LOCATIONS)
            .on(LOCATIONS.ID.eq(INVENTORY_LEVELS.LOCATION_ID))
            .where(INVENTORY_LEVELS.SKU.in(skus))
            .and(INVENTORY_LEVELS.SELLABLE.isTrue())
            .and(LOCATIONS.ACTIVE.isTrue())
            .fetch()) {
      result.computeIfAbsent(r.value1(), k -> new HashMap<>()).put(r.value2(), r.value3());
    }
    return result;
  }

  private static List<String> candidates(
      Map<String, Long> demand, Map<String, Map<String, Long>> availableByLocation) {
    Map<String, Long> score = new LinkedHashMap<>();
    availableByLocation.forEach(
        (location, available) -> {
          boolean servesAll =
              demand.entrySet().stream()
                  .allMatch(d -> available.getOrDefault(d.getKey(), 0L) >= d.getValue());
          if (servesAll) {
            score.put(location, demand.keySet().stream().mapToLong(available::get).sum());
          }
        });
    return score.entrySet().stream()
        .sorted(
            Map.Entry.<String, Long>comparingByValue()
                .reversed()
                .thenComparing(Map.Entry.comparingByKey()))
        .map(Map.Entry::getKey)
        .toList();
  }

  /**
   * Moves {@code quantity} of a sellable row from available to reserved if that much is available
   * now; 1 when it did, 0 when not. The condition is in the UPDATE itself, so the row lock decides.
   */
  private static int holdIfAvailable(DSLContext tx, String sku, String location, long quantity) {
    return tx.update(INVENTORY_LEVELS)
        .set(INVENTORY_LEVELS.RESERVED, INVENTORY_LEVELS.RESERVED.plus(quantity))
        .where(INVENTORY_LEVELS.SKU.eq(sku))
        .and(INVENTORY_LEVELS.LOCATION_ID.eq(location))
        .and(INVENTORY_LEVELS.SELLABLE.isTrue())
        .and(Availability.AVAILABLE.ge(quantity))
        .execute();
  }

  /**
   * Holds every line at {@code location}, or nothing: if a concurrent request took the stock of one
   * line, the lines already held in this transaction are given back and false is returned.
   */
  private static boolean tryHold(DSLContext tx, String location, List<ReserveRequest.Line> lines) {
    List<ReserveRequest.Line> held = new ArrayList<>();
    for (ReserveRequest.Line l : lines) {
      int changed = holdIfAvailable(tx, l.sku(), location, l.quantity());
      if (changed == 0) {
        for (ReserveRequest.Line h : held) {
          tx.update(INVENTORY_LEVELS)
              .set(INVENTORY_LEVELS.RESERVED, INVENTORY_LEVELS.RESERVED.minus(h.quantity()))
              .where(INVENTORY_LEVELS.SKU.eq(h.sku()))
              .and(INVENTORY_LEVELS.LOCATION_ID.eq(location))
              .execute();
        }
        return false;
      }
      held.add(l);
    }
    return true;
  }

  /**
   * Takes a reservation's quantity out of {@code reserved}, adding it to {@code target} (allocated
   * on confirm) or to nothing (release: it becomes available again).
   */
  private static void moveHeld(DSLContext tx, ReservationsRecord r, Field<Long> target) {
    var update =
        tx.update(INVENTORY_LEVELS)
            .set(INVENTORY_LEVELS.RESERVED, INVENTORY_LEVELS.RESERVED.minus(r.getQuantity()));
    var step = target == null ? update : update.set(target, target.plus(r.getQuantity()));
    int changed =
        step.where(INVENTORY_LEVELS.SKU.eq(r.getSku()))
            .and(INVENTORY_LEVELS.LOCATION_ID.eq(r.getLocationId()))
            .and(INVENTORY_LEVELS.RESERVED.ge(r.getQuantity()))
            .execute();
    if (changed == 0) {
      // reserved < the reservation's quantity means someone changed the row outside the API.
      throw ApiProblem.conflict(
          "invariant-breach",
          "Inventory does not hold this reservation",
          "inventory_levels("
              + r.getSku()
              + ", "
              + r.getLocationId()
              + ") reserves less than "
              + r.getId()
              + " needs; investigate direct writes",
          Map.of("reservationId", r.getId()));
    }
  }

  private static ApiProblem concurrentChange(String cartId) {
    return ApiProblem.conflict(
        "concurrent-change",
        "Changed concurrently",
        "cart " + cartId + " was changed by another request; read it and retry",
        Map.of("cartId", cartId));
  }

  private static ApiProblem insufficient(
      List<ReserveRequest.Line> lines, Map<String, Map<String, Long>> availableByLocation) {
    List<Map<String, Object>> unservable = new ArrayList<>();
    for (ReserveRequest.Line l : lines) {
      long best =
          availableByLocation.values().stream()
              .mapToLong(a -> Math.max(0, a.getOrDefault(l.sku(), 0L)))
              .max()
              .orElse(0);
      if (best < l.quantity()) {
        unservable.add(
            Map.of(
                "lineNo",
                l.lineNo(),
                "sku",
                l.sku(),
                "requested",
                l.quantity(),
                "maxAvailableAtOneLocation",
                best));
      }
    }
    String detail =
        unservable.isEmpty()
            ? "every line is in stock somewhere, but no single sellable location can serve all of"
                + " them together"
            : unservable.size() + " line(s) cannot be served from any single sellable location";
    return ApiProblem.conflict(
        "insufficient-stock", "Insufficient stock", detail, Map.of("unservableLines", unservable));
  }

  private static CartReservation toView(String cartId, List<ReservationsRecord> rows) {
    List<CartReservation.Line> lines = new ArrayList<>();
    Set<String> statuses = new HashSet<>();
    Instant expiresAt = null;
    for (ReservationsRecord r : rows) {
      int lineNo = Integer.parseInt(r.getId().substring(r.getId().lastIndexOf(':') + 1));
      lines.add(
          new CartReservation.Line(r.getId(), lineNo, r.getSku(), r.getQuantity(), r.getStatus()));
      statuses.add(r.getStatus());
      Instant e = r.getExpiresAt().toInstant();
      if (expiresAt == null || e.isBefore(expiresAt)) expiresAt = e;
    }
    lines.sort(Comparator.comparingInt(CartReservation.Line::lineNo));
    String status = statuses.size() == 1 ? statuses.iterator().next() : "mixed";
    return new CartReservation(cartId, rows.get(0).getLocationId(), status, expiresAt, lines);
  }
}
