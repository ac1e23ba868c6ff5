package io.stockflow.api.reservations;

import static io.stockflow.db.jooq.Tables.RESERVATIONS;
import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import io.stockflow.db.reservations.ReservationReleases;
import io.stockflow.db.reservations.ReservationSweep;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;

/**
 * The reservation sweep (issue 12, items 2 and 3), driven directly with fixed instants: confirmed
 * carts without an order are released once after the (test-sized) timeout, an order racing that
 * release wins or loses whole, and several sweepers at once release every expired hold exactly
 * once. Rows that a test backdates live in their own year, so one test's sweep never reaches
 * another's rows.
 */
@MicronautTest
class ReservationSweepIT extends ApiIT {
  static final Duration TIMEOUT = Duration.ofMinutes(10);
  static final Duration GRACE = Duration.ofMinutes(1);

  @Inject ReservationSweeper sweeper;

  @Override
  protected Map<String, String> moreProperties() {
    return Map.of(
        "stockflow.reservations.confirmed-order-timeout", "10m",
        "stockflow.reservations.sweep.grace", "1m",
        // Small batches, so the race below crosses many batch boundaries.
        "stockflow.reservations.sweep.batch-size", "16",
        "stockflow.reservations.sweep.max-batches", "100");
  }

  private static String cart(String cartId, String sku, long... quantities) {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < quantities.length; i++) {
      lines.add(
          "{\"lineNo\":"
              + (i + 1)
              + ",\"sku\":\""
              + sku
              + "-"
              + (i + 1)
              + "\",\"quantity\":"
              + quantities[i]
              + "}");
    }
    return "{\"cartId\":\"" + cartId + "\",\"lines\":[" + String.join(",", lines) + "]}";
  }

  /** A location, SKUs {@code prefix-1..n} with {@code onHand} each. */
  private void seed(String prefix, int skus, long onHand) {
    location(prefix + "-L", "us-west");
    for (int i = 1; i <= skus; i++) {
      sku(prefix + "-" + i);
      stock(prefix + "-" + i, prefix + "-L", onHand);
    }
  }

  private String status(String reservationId) {
    return sql.select(RESERVATIONS.STATUS)
        .from(RESERVATIONS)
        .where(RESERVATIONS.ID.eq(reservationId))
        .fetchOne(RESERVATIONS.STATUS);
  }

  private Instant confirmedAt(String reservationId) {
    return sql.select(RESERVATIONS.CONFIRMED_AT)
        .from(RESERVATIONS)
        .where(RESERVATIONS.ID.eq(reservationId))
        .fetchOne(RESERVATIONS.CONFIRMED_AT)
        .toInstant();
  }

  private void reserveAndConfirm(String cartId, String prefix, long... quantities) {
    assertThat(channel().post("/reservations", cart(cartId, prefix, quantities)).status())
        .isEqualTo(201);
    assertThat(channel().post("/reservations/" + cartId + "/confirm", null).status())
        .isEqualTo(200);
  }

  @Test
  void aConfirmedCartWithoutAnOrderIsReleasedOnceWhenTheTimeoutHasPassed() {
    seed("S1", 2, 10);
    reserveAndConfirm("c-s1", "S1", 2, 3);
    Instant confirmed = confirmedAt("c-s1:1");
    assertThat(confirmedAt("c-s1:2")).isEqualTo(confirmed);
    assertThat(levels("S1-1", "S1-L")).containsExactly(10L, 2L, 0L, 0L, 0L, 0L);

    // Just before the timeout: untouched.
    sweeper.sweep(confirmed.plus(TIMEOUT).minusMillis(1));
    assertThat(status("c-s1:1")).isEqualTo("confirmed");
    assertThat(levels("S1-1", "S1-L")).containsExactly(10L, 2L, 0L, 0L, 0L, 0L);

    // At the timeout: both lines released, allocated given back, on_hand untouched.
    sweeper.sweep(confirmed.plus(TIMEOUT));
    assertThat(status("c-s1:1")).isEqualTo("expired");
    assertThat(status("c-s1:2")).isEqualTo("expired");
    assertThat(levels("S1-1", "S1-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
    assertThat(levels("S1-2", "S1-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);

    // Again, later: nothing more is given back.
    sweeper.sweep(confirmed.plus(TIMEOUT).plus(Duration.ofDays(1)));
    assertThat(levels("S1-1", "S1-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
    assertThat(levels("S1-2", "S1-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);

    // The order comes too late: refused, nothing changes.
    List<String> before = snapshot();
    Http.Response late = channel().post("/orders", "{\"cartId\":\"c-s1\"}");
    assertThat(late.status()).isEqualTo(409);
    assertThat(late.problemType()).isEqualTo("reservation-not-confirmed");
    assertThat(snapshot()).isEqualTo(before);
    assertThat(channel().get("/reservations/c-s1").body().path("status").asText())
        .isEqualTo("expired");
  }

  @Test
  void anOrderPlacedInTimeKeepsItsAllocationForever() {
    seed("S2", 1, 10);
    reserveAndConfirm("c-s2", "S2", 4);
    Instant confirmed = confirmedAt("c-s2:1");
    assertThat(channel().post("/orders", "{\"cartId\":\"c-s2\"}").status()).isEqualTo(201);

    sweeper.sweep(confirmed.plus(TIMEOUT).plus(Duration.ofDays(30)));

    assertThat(status("c-s2:1")).isEqualTo("confirmed");
    assertThat(levels("S2-1", "S2-L")).containsExactly(10L, 4L, 0L, 0L, 0L, 0L);
  }

  @Test
  void anOrderWhoseCartIsReleasedWhileItIsCreatedGets409AndNoOrderExists() throws Exception {
    seed("S3", 2, 10);
    reserveAndConfirm("c-s3", "S3", 1, 2);
    OffsetDateTime cutoff =
        OffsetDateTime.ofInstant(confirmedAt("c-s3:1").plus(TIMEOUT), ZoneOffset.UTC);
    ExecutorService pool = Executors.newSingleThreadExecutor();
    // The sweep's release of line 2 holds its row lock (not committed yet) while the order is
    // created: the order's read sees both lines confirmed, its link then waits for the lock.
    try (Connection c = DriverManager.getConnection(jdbcUrl())) {
      c.setAutoCommit(false);
      DSLContext sweep = DSL.using(c, SQLDialect.POSTGRES);
      assertThat(ReservationReleases.releaseUnorderedIfDue(sweep, "c-s3:2", DSL.val(cutoff)))
          .isNotNull();
      Future<Http.Response> order =
          pool.submit(() -> channel().post("/orders", "{\"cartId\":\"c-s3\"}"));
      // The order's transaction is waiting on the row lock this connection holds.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  sql.fetchExists(
                      DSL.selectOne()
                          .from("pg_stat_activity")
                          .where("wait_event_type = 'Lock'")
                          .and("datname = current_database()")));
      c.commit();
      Http.Response r = order.get(60, TimeUnit.SECONDS);
      assertThat(r.status()).isEqualTo(409);
      assertThat(r.problemType()).isEqualTo("reservation-not-confirmed");
    } finally {
      pool.shutdownNow();
    }
    assertThat(sql.fetchCount(DSL.table("orders"), DSL.field("cart_id").eq("c-s3"))).isZero();
    assertThat(
            sql.fetchValue(
                "SELECT count(*) FROM reservations WHERE order_id IS NOT NULL"
                    + " AND cart_id = 'c-s3'"))
        .isEqualTo(0L);
    // Line 2 released once by the sweep; line 1 still confirmed (the next sweep takes it).
    assertThat(levels("S3-2", "S3-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
    assertThat(levels("S3-1", "S3-L")).containsExactly(10L, 1L, 0L, 0L, 0L, 0L);
    sweeper.sweep(cutoff.toInstant());
    assertThat(status("c-s3:1")).isEqualTo("expired");
    assertThat(levels("S3-1", "S3-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
    assertThat(levels("S3-2", "S3-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
  }

  @Test
  void ordersAndTheSweepRacingOverManyCartsEachCartEndsOneWayOrTheOther() throws Exception {
    int carts = 40;
    seed("S4", 1, 1_000);
    for (int i = 0; i < carts; i++) reserveAndConfirm("c-s4-" + i, "S4", 3);
    // Backdate the confirms into a year of their own, so this test's sweeps reach only them.
    Instant confirmed = Instant.parse("2004-01-01T00:00:00Z");
    sql.update(RESERVATIONS)
        .set(RESERVATIONS.CONFIRMED_AT, OffsetDateTime.ofInstant(confirmed, ZoneOffset.UTC))
        .where(RESERVATIONS.CART_ID.like("c-s4-%"))
        .execute();
    assertThat(levels("S4-1", "S4-L")).containsExactly(1_000L, 3L * carts, 0L, 0L, 0L, 0L);

    // Separate pools, so the sweeps start with the orders rather than after them.
    ExecutorService pool = Executors.newFixedThreadPool(4);
    ExecutorService sweepPool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Http.Response>> orders = new ArrayList<>();
    List<Future<ReservationSweep.Result>> sweeps = new ArrayList<>();
    try {
      for (int i = 0; i < carts; i++) {
        String cart = "c-s4-" + i;
        orders.add(
            pool.submit(
                () -> {
                  go.await();
                  return channel().post("/orders", "{\"cartId\":\"" + cart + "\"}");
                }));
      }
      for (int s = 0; s < 2; s++) {
        sweeps.add(
            sweepPool.submit(
                (Callable<ReservationSweep.Result>)
                    () -> {
                      go.await();
                      return sweeper.sweep(confirmed.plus(TIMEOUT));
                    }));
      }
      go.countDown();
      int ordered = 0;
      for (int i = 0; i < carts; i++) {
        Http.Response r = orders.get(i).get(120, TimeUnit.SECONDS);
        String cart = "c-s4-" + i;
        String st = status(cart + ":1");
        if (r.status() == 201) {
          ordered++;
          assertThat(st).as(cart).isEqualTo("confirmed");
        } else {
          assertThat(r.status()).as(cart).isEqualTo(409);
          assertThat(r.problemType()).as(cart).isEqualTo("reservation-not-confirmed");
          assertThat(st).as(cart).isEqualTo("expired");
          assertThat(sql.fetchCount(DSL.table("orders"), DSL.field("cart_id").eq(cart))).isZero();
        }
      }
      int released = 0;
      for (Future<ReservationSweep.Result> s : sweeps) {
        ReservationSweep.Result r = s.get(120, TimeUnit.SECONDS);
        assertThat(r.failed()).isZero();
        released += r.unordered();
      }
      // Every cart ended exactly one way: ordered (allocation kept) or released (given back once).
      assertThat(ordered + released).isEqualTo(carts);
      assertThat(levels("S4-1", "S4-L")).containsExactly(1_000L, 3L * ordered, 0L, 0L, 0L, 0L);
      assertThat(sql.fetchValue("SELECT count(*) FROM orders WHERE cart_id LIKE 'c-s4-%'"))
          .isEqualTo((long) ordered);
    } finally {
      pool.shutdownNow();
      sweepPool.shutdownNow();
    }
  }

  /**
   * {@code holds} active holds of one unit each over three SKUs, reserved through the API, then
   * backdated to expire in {@code year}.
   */
  private void expiredHolds(String prefix, int holds, int year) {
    seed(prefix, 3, 1_000);
    for (int i = 0; i < holds; i++) {
      String body =
          "{\"cartId\":\"c-"
              + prefix
              + "-"
              + i
              + "\",\"lines\":[{\"lineNo\":1,\"sku\":\""
              + prefix
              + "-"
              + (i % 3 + 1)
              + "\",\"quantity\":1}]}";
      assertThat(channel().post("/reservations", body).status()).isEqualTo(201);
    }
    sql.update(RESERVATIONS)
        .set(RESERVATIONS.EXPIRES_AT, OffsetDateTime.of(year, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC))
        .where(RESERVATIONS.CART_ID.like("c-" + prefix + "-%"))
        .execute();
  }

  @Test
  void anActiveHoldIsReleasedOnlyAfterItsTtlPlusTheGrace() {
    expiredHolds("S5", 3, 2005);
    Instant expires = Instant.parse("2005-01-01T00:00:00Z");

    ReservationSweep.Result early = sweeper.sweep(expires.plus(GRACE).minusMillis(1));
    assertThat(early.expired()).isZero();
    assertThat(levels("S5-1", "S5-L")).containsExactly(1_000L, 0L, 1L, 0L, 0L, 0L);

    ReservationSweep.Result due = sweeper.sweep(expires.plus(GRACE));
    assertThat(due.expired()).isEqualTo(3);
    assertThat(due.skipped()).isZero();
    for (int s = 1; s <= 3; s++) {
      assertThat(levels("S5-" + s, "S5-L")).containsExactly(1_000L, 0L, 0L, 0L, 0L, 0L);
    }
    assertThat(sweeper.sweep(expires.plus(GRACE)).expired()).isZero();
    for (int s = 1; s <= 3; s++) {
      assertThat(levels("S5-" + s, "S5-L")).containsExactly(1_000L, 0L, 0L, 0L, 0L, 0L);
    }
  }

  @Test
  void twoInstancesSweepingAtOnceReleaseEveryExpiredHoldExactlyOnce() throws Exception {
    int holds = 150;
    expiredHolds("S6", holds, 2006);
    Instant now = Instant.parse("2006-01-01T00:00:00Z").plus(GRACE);
    EmbeddedServer second = anotherInstance();
    ReservationSweeper other = second.getApplicationContext().getBean(ReservationSweeper.class);
    assertThat(other).isNotSameAs(sweeper);

    ExecutorService pool = Executors.newFixedThreadPool(2);
    CountDownLatch go = new CountDownLatch(1);
    try {
      Future<ReservationSweep.Result> a =
          pool.submit(
              () -> {
                go.await();
                return sweeper.sweep(now);
              });
      Future<ReservationSweep.Result> b =
          pool.submit(
              () -> {
                go.await();
                return other.sweep(now);
              });
      go.countDown();
      ReservationSweep.Result ra = a.get(120, TimeUnit.SECONDS);
      ReservationSweep.Result rb = b.get(120, TimeUnit.SECONDS);

      assertThat(ra.failed() + rb.failed()).isZero();
      assertThat(ra.expired() + rb.expired()).isEqualTo(holds);
    } finally {
      pool.shutdownNow();
    }
    assertThat(
            sql.fetchValue(
                "SELECT count(*) FROM reservations WHERE cart_id LIKE 'c-S6-%' AND status ="
                    + " 'expired'"))
        .isEqualTo((long) holds);
    for (int s = 1; s <= 3; s++) {
      assertThat(levels("S6-" + s, "S6-L")).containsExactly(1_000L, 0L, 0L, 0L, 0L, 0L);
    }
  }

  @Test
  void aSweepGivesNothingBackForAHoldTheExpiryPathAlreadyReleased() {
    // The activity's statement (ReservationReleases.expireIfDue with the database's now()) first,
    // then the sweep: the sweep finds it expired. The reverse order is in the workflows module
    // (ReservationReleaseIT), which runs the real activity.
    expiredHolds("S7", 1, 2007);
    Instant now = Instant.parse("2007-01-01T00:00:00Z").plus(GRACE);
    new io.stockflow.db.Transactions(sql)
        .run(
            tx ->
                assertThat(
                        ReservationReleases.expireIfDue(
                            tx, "c-S7-0:1", DSL.currentOffsetDateTime()))
                    .isNotNull());
    assertThat(levels("S7-1", "S7-L")).containsExactly(1_000L, 0L, 0L, 0L, 0L, 0L);

    ReservationSweep.Result r = sweeper.sweep(now);
    assertThat(r.expired()).isZero();
    assertThat(levels("S7-1", "S7-L")).containsExactly(1_000L, 0L, 0L, 0L, 0L, 0L);
  }
}
