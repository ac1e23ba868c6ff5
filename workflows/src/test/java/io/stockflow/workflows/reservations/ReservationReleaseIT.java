package io.stockflow.workflows.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import io.stockflow.db.reservations.ReservationSweep;
import io.stockflow.testsupport.PostgresExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The two paths that end an expired hold — the reservation-expiry activity (the real {@link
 * ReservationExpiryActivitiesImpl}) and the database sweep the api role runs ({@link
 * ReservationSweep}) — on embedded PostgreSQL with the real migrations: whichever runs second does
 * nothing, so the stock comes back exactly once, in either order and when they run at once.
 */
class ReservationReleaseIT {
  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  static DSLContext sql;
  static Transactions transactions;
  static ReservationExpiryActivitiesImpl activity;

  @BeforeAll
  static void start() {
    sql = Database.dsl(postgres.dataSource());
    transactions = new Transactions(sql);
    activity = new ReservationExpiryActivitiesImpl(transactions);
    sql.execute(
        "INSERT INTO locations (id, name, kind, region) VALUES ('RL', 'RL', 'fulfilment_centre',"
            + " 'us-west')");
  }

  /**
   * A SKU with 1,000 on hand and {@code holds} active holds of {@code qty} each, expired at {@code
   * expiresAt} (reserved counts them, as after real reserves).
   */
  private static List<String> holds(String sku, int holds, long qty, String expiresAt) {
    sql.execute("INSERT INTO skus (sku, name) VALUES (?, ?)", sku, sku);
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand, reserved) VALUES (?, 'RL', 1000,"
            + " ?)",
        sku,
        holds * qty);
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < holds; i++) {
      String id = sku + "-cart-" + i + ":1";
      sql.execute(
          "INSERT INTO reservations (id, cart_id, sku, location_id, quantity, status, expires_at)"
              + " VALUES (?, ?, ?, 'RL', ?, 'active', CAST(? AS TIMESTAMPTZ))",
          id,
          sku + "-cart-" + i,
          sku,
          qty,
          expiresAt);
      ids.add(id);
    }
    return ids;
  }

  /** on_hand, allocated, reserved. */
  private static List<Long> levels(String sku) {
    var r =
        sql.fetchOne(
            "SELECT on_hand, allocated, reserved FROM inventory_levels WHERE sku = ?", sku);
    return List.of(r.get(0, Long.class), r.get(1, Long.class), r.get(2, Long.class));
  }

  private static long expired(String sku) {
    return sql.fetchOne(
            "SELECT count(*) FROM reservations WHERE sku = ? AND status = 'expired'", sku)
        .get(0, Long.class);
  }

  private static ReservationSweep sweep() {
    return new ReservationSweep(transactions, 8, 1_000);
  }

  @Test
  void theActivityAfterTheSweepGivesNothingBack() {
    String id = holds("RL-A", 1, 3, "2001-01-01T00:00:00Z").get(0);

    ReservationSweep.Result swept = sweep().sweep(Instant.parse("2001-01-01T00:02:00Z"), null);
    assertThat(swept.expired()).isEqualTo(1);
    assertThat(levels("RL-A")).containsExactly(1000L, 0L, 0L);

    assertThat(activity.expire(id)).isEqualTo(new ExpireResult(ExpiryOutcome.ENDED, null));
    assertThat(levels("RL-A")).containsExactly(1000L, 0L, 0L);
    assertThat(expired("RL-A")).isEqualTo(1);
  }

  @Test
  void theSweepAfterTheActivityGivesNothingBack() {
    String id = holds("RL-B", 1, 3, "2002-01-01T00:00:00Z").get(0);

    assertThat(activity.expire(id)).isEqualTo(new ExpireResult(ExpiryOutcome.EXPIRED, null));
    assertThat(levels("RL-B")).containsExactly(1000L, 0L, 0L);

    ReservationSweep.Result swept = sweep().sweep(Instant.parse("2002-01-01T00:02:00Z"), null);
    assertThat(swept.expired()).isZero();
    assertThat(levels("RL-B")).containsExactly(1000L, 0L, 0L);
    assertThat(expired("RL-B")).isEqualTo(1);
  }

  @Test
  void activitiesAndTwoSweepersAtOnceReleaseEachHoldExactlyOnce() throws Exception {
    int n = 120;
    List<String> ids = holds("RL-C", n, 2, "2003-01-01T00:00:00Z");
    Instant now = Instant.parse("2003-01-01T00:02:00Z");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    CountDownLatch go = new CountDownLatch(1);
    try {
      // Two threads run the activity over every hold (in opposite orders), two sweep.
      List<Future<Integer>> activities = new ArrayList<>();
      for (boolean reversed : new boolean[] {false, true}) {
        List<String> order = new ArrayList<>(ids);
        if (reversed) java.util.Collections.reverse(order);
        activities.add(
            pool.submit(
                () -> {
                  go.await();
                  int mine = 0;
                  for (String id : order) {
                    if (activity.expire(id).outcome() == ExpiryOutcome.EXPIRED) mine++;
                  }
                  return mine;
                }));
      }
      List<Future<ReservationSweep.Result>> sweeps = new ArrayList<>();
      for (int s = 0; s < 2; s++) {
        sweeps.add(
            pool.submit(
                () -> {
                  go.await();
                  return sweep().sweep(now, null);
                }));
      }
      go.countDown();
      int released = 0;
      for (Future<Integer> a : activities) released += a.get(120, TimeUnit.SECONDS);
      for (Future<ReservationSweep.Result> s : sweeps) {
        ReservationSweep.Result r = s.get(120, TimeUnit.SECONDS);
        assertThat(r.failed()).isZero();
        released += r.expired();
      }
      assertThat(released).isEqualTo(n);
    } finally {
      pool.shutdownNow();
    }
    assertThat(expired("RL-C")).isEqualTo(n);
    // Each hold's 2 units came back once: reserved is exactly 0, never negative (the CHECK), and
    // on_hand never moved.
    assertThat(levels("RL-C")).containsExactly(1000L, 0L, 0L);
  }
}
