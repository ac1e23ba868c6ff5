package io.stockflow.api.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The flash-sale path: group commit across two API instances on one database, the sold-out fast
 * path, and per-customer purchase limits under concurrency. Every test ends by checking the rows
 * against the counters ({@link #assertHoldsAgree}).
 */
@MicronautTest
class FlashSaleIT extends ApiIT {
  @Inject ReservationBatcher batcher;

  @Override
  protected Map<String, String> moreProperties() {
    // Admission control has its own IT; here every request must be admitted.
    return Map.of("stockflow.reservations.max-queue", "100000");
  }

  private static String cart(String cartId, String sku, long qty, String customer) {
    return "{\"cartId\":\""
        + cartId
        + "\",\"lines\":[{\"lineNo\":1,\"sku\":\""
        + sku
        + "\",\"quantity\":"
        + qty
        + "}]"
        + (customer == null ? "" : ",\"customerRef\":\"" + customer + "\"")
        + "}";
  }

  @Test
  void groupCommitOnTwoInstancesHoldsExactlyTheStockAndAnswersEachRequestOnce() throws Exception {
    location("FS-A", "us-west");
    sku("FS-HOT");
    stock("FS-HOT", "FS-A", 60);
    EmbeddedServer second = anotherInstance();
    Http one = channel();
    Http two = new Http(second.getURI(), CHANNEL_KEY);

    int requests = 1_200;
    List<Callable<Http.Response>> calls = new ArrayList<>();
    for (int i = 0; i < requests; i++) {
      Http via = i % 2 == 0 ? one : two;
      String body = cart("fs-" + i, "FS-HOT", 1, null);
      calls.add(() -> via.post("/reservations", body));
    }
    Map<Integer, AtomicInteger> statuses = race(calls, 64);

    // Each request got exactly one answer, a hold or a sold-out refusal, never a 5xx.
    assertThat(statuses.keySet()).containsOnly(201, 409);
    assertThat(statuses.get(201).get() + statuses.get(409).get()).isEqualTo(requests);
    assertThat(statuses.get(201).get()).isEqualTo(60);
    assertThat(levels("FS-HOT", "FS-A")).containsExactly(60L, 0L, 60L, 0L, 0L, 0L);
    assertHoldsAgree("FS-");
    // now() is the transaction's start time: rows sharing it were committed together. Fewer
    // distinct times than rows proves requests were coalesced (one transaction per request,
    // as before group commit, gives one time per row).
    long transactions =
        sql.fetchOne("SELECT count(DISTINCT created_at) FROM reservations WHERE sku = 'FS-HOT'")
            .get(0, Long.class);
    assertThat(transactions).isLessThan(60);
    // ... through the set-based path, which never had to fall back to one request at a time.
    ReservationBatcher.Stats stats = batcher.stats();
    assertThat(stats.setRuns()).isPositive();
    assertThat(stats.fallbacks()).isZero();
  }

  @Test
  void soldOutRefusalsDoNotWaitForTheRowLock() throws Exception {
    location("SO-A", "us-west");
    location("SO-B", "us-east");
    sku("SO-X");
    stock("SO-X", "SO-A", 3);
    stock("SO-X", "SO-B", 2);
    sql.execute("UPDATE inventory_levels SET reserved = on_hand WHERE sku = 'SO-X'");
    // Warm the server up first (class loading, first connections), so what follows measures only
    // whether a refusal waits for the lock.
    assertThat(channel().post("/reservations", cart("so-warm", "SO-X", 1, null)).status())
        .isEqualTo(409);
    List<String> before = snapshot();

    // Another transaction holds both rows' locks (as a batch in flight, or an associate's open
    // psql session, would) and does not commit while the refusals are asked for.
    try (Connection lockHolder = DriverManager.getConnection(jdbcUrl())) {
      lockHolder.setAutoCommit(false);
      lockHolder
          .createStatement()
          .executeUpdate("UPDATE inventory_levels SET last_updated = now() WHERE sku = 'SO-X'");

      List<Callable<Http.Response>> calls = new ArrayList<>();
      for (int i = 0; i < 40; i++) {
        String body =
            i % 4 == 0
                // a multi-line cart is refused on the same committed read
                ? "{\"cartId\":\"so-"
                    + i
                    + "\",\"lines\":[{\"lineNo\":1,\"sku\":\"SO-X\",\"quantity\":1},"
                    + "{\"lineNo\":2,\"sku\":\"SO-X\",\"quantity\":1}]}"
                : cart("so-" + i, "SO-X", 1, null);
        calls.add(() -> channel().post("/reservations", body));
      }
      // Every answer must arrive while the locks are still held: a request queueing for them would
      // wait until the rollback below, which comes only after all() (60 s deadline) returned.
      List<Http.Response> responses = all(calls, 16, 60);

      assertThat(responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(409));
      assertThat(responses.get(1).problemType()).isEqualTo("insufficient-stock");
      assertThat(
              responses
                  .get(1)
                  .body()
                  .path("unservableLines")
                  .get(0)
                  .path("maxAvailableAtOneLocation")
                  .asLong())
          .isZero();
      lockHolder.rollback();
    }
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aPurchaseLimitHoldsExactlyUnderConcurrencyAndAReleaseGivesItBack() throws Exception {
    location("PL-A", "us-west");
    location("PL-B", "us-east");
    sku("PL-X");
    sku("PL-Y");
    stock("PL-X", "PL-A", 500);
    stock("PL-X", "PL-B", 400);
    stock("PL-Y", "PL-A", 500);
    stock("PL-Y", "PL-B", 400);
    Http.Response set = ops().put("/ops/purchase-limits/PL-X", "{\"maxPerCustomer\":3}");
    assertThat(set.status()).isEqualTo(200);
    assertThat(set.body().path("maxPerCustomer").asLong()).isEqualTo(3);
    assertThat(ops().get("/ops/purchase-limits/PL-X").body().path("maxPerCustomer").asLong())
        .isEqualTo(3);

    // Two customers, many concurrent single-unit carts (group commit) and two-SKU carts (their
    // own transactions), on two instances: each customer ends with exactly 3 of PL-X.
    EmbeddedServer second = anotherInstance();
    Http two = new Http(second.getURI(), CHANNEL_KEY);
    List<Callable<Http.Response>> calls = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      String customer = i % 2 == 0 ? "alice" : "bob";
      Http via = i % 3 == 0 ? two : channel();
      String body =
          i % 5 == 0
              ? "{\"cartId\":\"pl-"
                  + i
                  + "\",\"customerRef\":\""
                  + customer
                  + "\",\"lines\":[{\"lineNo\":1,\"sku\":\"PL-Y\",\"quantity\":1},"
                  + "{\"lineNo\":2,\"sku\":\"PL-X\",\"quantity\":1}]}"
              : cart("pl-" + i, "PL-X", 1, customer);
      calls.add(() -> via.post("/reservations", body));
    }
    List<Http.Response> responses = all(calls, 48, 120);

    assertThat(responses)
        .allSatisfy(r -> assertThat(r.status()).as(r.body().toString()).isIn(201, 409));
    assertThat(responses.stream().filter(r -> r.status() == 409))
        .allSatisfy(r -> assertThat(r.problemType()).isEqualTo("purchase-limit-exceeded"));
    assertThat(heldOf("alice", "PL-X")).isEqualTo(3);
    assertThat(heldOf("bob", "PL-X")).isEqualTo(3);
    assertHoldsAgree("PL-");

    // The limit counts active and confirmed holds: releasing a cart gives its units back.
    String aliceCart =
        sql.fetchOne(
                "SELECT cart_id FROM reservations WHERE customer_ref = 'alice' AND sku = 'PL-X'"
                    + " ORDER BY cart_id LIMIT 1")
            .get(0, String.class);
    assertThat(channel().post("/reservations/" + aliceCart + "/release", null).status())
        .isEqualTo(200);
    assertThat(channel().post("/reservations", cart("pl-again", "PL-X", 1, "alice")).status())
        .isEqualTo(201);
    List<String> before = snapshot();
    Http.Response refused = channel().post("/reservations", cart("pl-more", "PL-X", 1, "alice"));
    assertThat(refused.status()).isEqualTo(409);
    assertThat(refused.problemType()).isEqualTo("purchase-limit-exceeded");
    assertThat(refused.body().path("limit").asLong()).isEqualTo(3);
    assertThat(snapshot()).isEqualTo(before);
    // Without a customer reference no limit applies (anonymous carts are the caller's choice).
    assertThat(channel().post("/reservations", cart("pl-anon", "PL-X", 5, null)).status())
        .isEqualTo(201);
  }

  @Test
  void purchaseLimitsAreValidatedAndOpsOnly() {
    sku("PV-X");
    for (String bad :
        List.of(
            "{\"maxPerCustomer\":0}",
            "{\"maxPerCustomer\":-1}",
            "{\"maxPerCustomer\":2.5}",
            "{\"maxPerCustomer\":\"3\"}",
            "{\"maxPerCustomer\":1000001}",
            "{}")) {
      Http.Response r = ops().put("/ops/purchase-limits/PV-X", bad);
      assertThat(r.status()).as(bad).isEqualTo(400);
      assertThat(r.contentType()).as(bad).startsWith("application/problem+json");
    }
    assertThat(ops().put("/ops/purchase-limits/NOPE", "{\"maxPerCustomer\":2}").status())
        .isEqualTo(404);
    assertThat(channel().put("/ops/purchase-limits/PV-X", "{\"maxPerCustomer\":2}").status())
        .isEqualTo(403);
    assertThat(ops().get("/ops/purchase-limits/PV-X").status()).isEqualTo(404);
    assertThat(ops().put("/ops/purchase-limits/PV-X", "{\"maxPerCustomer\":2}").status())
        .isEqualTo(200);
    assertThat(ops().send("DELETE", "/ops/purchase-limits/PV-X", null, null).status())
        .isEqualTo(204);
    assertThat(ops().get("/ops/purchase-limits/PV-X").status()).isEqualTo(404);
  }

  private long heldOf(String customer, String sku) {
    return sql.fetchOne(
            "SELECT coalesce(sum(quantity), 0) FROM reservations WHERE customer_ref = ? AND sku = ?"
                + " AND status IN ('active', 'confirmed')",
            customer,
            sku)
        .get(0, Long.class);
  }

  /** reserved = Σ active holds, per row of the SKUs starting with prefix; nothing oversold. */
  private void assertHoldsAgree(String skuPrefix) {
    assertThat(
            sql.fetch(
                "SELECT l.sku, l.location_id, l.reserved,"
                    + " (SELECT coalesce(sum(r.quantity), 0) FROM reservations r"
                    + "   WHERE r.sku = l.sku AND r.location_id = l.location_id"
                    + "   AND r.status = 'active') AS held"
                    + " FROM inventory_levels l WHERE l.sku LIKE ? AND (l.reserved <> (SELECT"
                    + " coalesce(sum(r.quantity), 0) FROM reservations r WHERE r.sku = l.sku AND"
                    + " r.location_id = l.location_id AND r.status = 'active')"
                    + " OR l.on_hand - l.allocated - l.reserved < 0)",
                skuPrefix + "%"))
        .isEmpty();
  }

  /** Runs every call at once (after a common start), at most {@code threads} at a time. */
  private static Map<Integer, AtomicInteger> race(List<Callable<Http.Response>> calls, int threads)
      throws Exception {
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    for (Http.Response r : all(calls, threads, 300)) {
      statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
    }
    return statuses;
  }

  private static List<Http.Response> all(
      List<Callable<Http.Response>> calls, int threads, int timeoutSeconds) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    CountDownLatch start = new CountDownLatch(1);
    try {
      List<Future<Http.Response>> futures = new ArrayList<>();
      for (Callable<Http.Response> c : calls) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return c.call();
                }));
      }
      start.countDown();
      List<Http.Response> responses = new ArrayList<>();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
      for (Future<Http.Response> f : futures) {
        responses.add(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS));
      }
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }
}
