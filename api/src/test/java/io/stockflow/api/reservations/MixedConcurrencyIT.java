package io.stockflow.api.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Multi-line carts over several SKUs and locations, with lines listed in random SKU order, race
 * single-line carts (group commit), confirms, releases, orders, shipments and cancellations. Before
 * one lock order everywhere, a confirm (rows by reservation id) and a reserve (rows by sku) locked
 * the same two rows in opposite orders and PostgreSQL killed one with 40P01, a 500. After the run:
 * no 5xx, and every counter agrees with the rows.
 */
@MicronautTest
class MixedConcurrencyIT extends ApiIT {
  private static final List<String> SKUS = List.of("MX-A", "MX-B", "MX-C", "MX-D");
  private static final List<String> LOCATIONS = List.of("MX-L1", "MX-L2", "MX-L3");

  @Override
  protected Map<String, String> moreProperties() {
    return Map.of("stockflow.reservations.max-queue", "100000");
  }

  @Test
  void mixedOperationsNeverFailWith5xxAndLeaveEveryCounterEqualToItsRows() throws Exception {
    LOCATIONS.forEach(l -> location(l, "us-west"));
    SKUS.forEach(this::sku);
    for (String s : SKUS) for (String l : LOCATIONS) stock(s, l, 40);

    int workers = 24;
    int cartsPerWorker = 25;
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    List<String> failures = Collections.synchronizedList(new ArrayList<>());
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    for (int w = 0; w < workers; w++) {
      int worker = w;
      futures.add(
          pool.submit(
              () -> {
                start.await();
                Random random = new Random(worker);
                Http http = ops();
                for (int c = 0; c < cartsPerWorker; c++) {
                  String cartId = "mx-" + worker + "-" + c;
                  Http.Response r = http.post("/reservations", randomCart(random, cartId));
                  record(statuses, failures, "reserve", r);
                  if (r.status() != 201) continue;
                  int next = random.nextInt(10);
                  if (next < 3) {
                    record(statuses, failures, "release", http.post(path(cartId, "release"), null));
                  } else if (next < 9) {
                    record(statuses, failures, "confirm", http.post(path(cartId, "confirm"), null));
                    if (next >= 6) order(http, random, cartId, statuses, failures);
                  } // else: left active
                }
                return null;
              }));
    }
    start.countDown();
    for (Future<?> f : futures) f.get(10, TimeUnit.MINUTES);
    pool.shutdownNow();

    assertThat(failures).isEmpty();
    assertThat(statuses.keySet()).allSatisfy(s -> assertThat(s).isLessThan(500));
    assertThat(statuses.get(201).get()).isGreaterThan(0);

    // reserved = Σ active holds; allocated = Σ confirmed holds whose order has not shipped or
    // been cancelled; on_hand = 40 − shipped; available never negative.
    assertThat(
            sql.fetch(
                "WITH held AS ("
                    + " SELECT r.sku, r.location_id,"
                    + "  sum(CASE WHEN r.status = 'active' THEN r.quantity ELSE 0 END) AS reserved,"
                    + "  sum(CASE WHEN r.status = 'confirmed' AND coalesce(o.status, '') NOT IN"
                    + "   ('shipped', 'delivered', 'cancelled') THEN r.quantity ELSE 0 END) AS"
                    + "   allocated,"
                    + "  sum(CASE WHEN o.status IN ('shipped', 'delivered') THEN r.quantity ELSE 0"
                    + "   END) AS shipped"
                    + " FROM reservations r LEFT JOIN orders o ON o.cart_id = r.cart_id"
                    + " GROUP BY r.sku, r.location_id)"
                    + " SELECT l.sku, l.location_id, l.on_hand, l.allocated, l.reserved,"
                    + "  h.reserved, h.allocated, h.shipped"
                    + " FROM inventory_levels l LEFT JOIN held h"
                    + "  ON h.sku = l.sku AND h.location_id = l.location_id"
                    + " WHERE l.sku LIKE 'MX-%' AND (l.reserved <> coalesce(h.reserved, 0)"
                    + "  OR l.allocated <> coalesce(h.allocated, 0)"
                    + "  OR l.on_hand <> 40 - coalesce(h.shipped, 0)"
                    + "  OR l.on_hand - l.allocated - l.reserved < 0)"))
        .isEmpty();
  }

  /** 2-4 lines of distinct SKUs in random order (so line order and SKU order differ). */
  private static String randomCart(Random random, String cartId) {
    List<String> skus = new ArrayList<>(SKUS);
    Collections.shuffle(skus, random);
    int lines = random.nextInt(5) == 0 ? 1 : 2 + random.nextInt(3);
    StringBuilder sb = new StringBuilder("{\"cartId\":\"" + cartId + "\",\"lines\":[");
    for (int i = 0; i < lines; i++) {
      if (i > 0) sb.append(',');
      sb.append("{\"lineNo\":")
          .append(i + 1)
          .append(",\"sku\":\"")
          .append(skus.get(i))
          .append("\",\"quantity\":")
          .append(1 + random.nextInt(2))
          .append('}');
    }
    return sb.append("]}").toString();
  }

  private static void order(
      Http http,
      Random random,
      String cartId,
      Map<Integer, AtomicInteger> statuses,
      List<String> failures) {
    Http.Response created = http.post("/orders", "{\"cartId\":\"" + cartId + "\"}");
    record(statuses, failures, "order", created);
    if (created.status() >= 300) return;
    String id = created.body().path("id").asText();
    List<String> steps =
        random.nextBoolean()
            ? List.of("confirmed", "picked", "packed", "shipped")
            : List.of("confirmed", "cancelled");
    for (String to : steps) {
      record(
          statuses,
          failures,
          "order " + to,
          http.post("/orders/" + id + "/transitions", "{\"status\":\"" + to + "\"}"));
    }
  }

  private static String path(String cartId, String action) {
    return "/reservations/" + cartId + "/" + action;
  }

  private static void record(
      Map<Integer, AtomicInteger> statuses, List<String> failures, String what, Http.Response r) {
    statuses.computeIfAbsent(r.status(), s -> new AtomicInteger()).incrementAndGet();
    // 409 insufficient-stock is a normal outcome; anything 5xx is a failure to explain.
    if (r.status() >= 500) failures.add(what + " -> " + r.status() + " " + r.body());
  }
}
