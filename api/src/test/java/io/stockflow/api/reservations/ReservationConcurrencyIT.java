package io.stockflow.api.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Thousands of checkouts race for a little stock through the real HTTP server: exactly the stock is
 * reserved, never more, and the database invariants hold.
 */
@MicronautTest
class ReservationConcurrencyIT extends ApiIT {
  private static final int REQUESTS = 2_000;
  private static final int THREADS = 48;

  @Test
  void twoThousandParallelReservationsReserveExactlyTheStock() throws Exception {
    location("HOT-A", "us-west");
    location("HOT-B", "us-east");
    sku("HOT-SKU");
    stock("HOT-SKU", "HOT-A", 23);
    stock("HOT-SKU", "HOT-B", 14);
    long stock = 23 + 14;

    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(THREADS);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<?>> futures = new ArrayList<>();
    Http http = channel();
    try {
      for (int i = 0; i < REQUESTS; i++) {
        // Every tenth cart wants two units, so holds of different sizes race too.
        long qty = i % 10 == 0 ? 2 : 1;
        String body =
            "{\"cartId\":\"hot-"
                + i
                + "\",\"lines\":[{\"lineNo\":1,\"sku\":\"HOT-SKU\",\"quantity\":"
                + qty
                + "}]}";
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  int status = http.post("/reservations", body).status();
                  statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                  return null;
                }));
      }
      start.countDown();
      for (Future<?> f : futures) f.get();
    } finally {
      pool.shutdownNow();
    }

    assertThat(statuses.keySet()).containsOnly(201, 409);
    long reservedByRows =
        sql.fetchOne("SELECT coalesce(sum(quantity), 0) FROM reservations WHERE sku = 'HOT-SKU'")
            .get(0, Long.class);
    long reservedInLevels =
        sql.fetchOne("SELECT sum(reserved) FROM inventory_levels WHERE sku = 'HOT-SKU'")
            .get(0, Long.class);
    // Once stock is down to the last unit a two-unit cart no longer fits, so every unit is taken
    // unless only single units remain, which would have been taken by the many one-unit carts.
    assertThat(reservedInLevels).isEqualTo(reservedByRows);
    assertThat(reservedInLevels).isEqualTo(stock);
    assertThat(statuses.get(201).get())
        .isEqualTo(
            sql.fetchOne("SELECT count(*) FROM reservations WHERE sku = 'HOT-SKU'")
                .get(0, Integer.class));
    assertThat(
            sql.fetchOne(
                    "SELECT count(*) FROM inventory_levels"
                        + " WHERE allocated + reserved > on_hand OR reserved < 0 OR on_hand < 0")
                .get(0, Integer.class))
        .isZero();
    assertThat(levels("HOT-SKU", "HOT-A").get(2)).isEqualTo(23L);
    assertThat(levels("HOT-SKU", "HOT-B").get(2)).isEqualTo(14L);
  }
}
