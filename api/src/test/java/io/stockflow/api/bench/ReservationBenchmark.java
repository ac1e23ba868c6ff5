package io.stockflow.api.bench;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.stockflow.api.support.Http;
import io.stockflow.embedded.EmbeddedPostgresServer;
import io.stockflow.embedded.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.jooq.DSLContext;

/**
 * Reservation throughput and latency through the real HTTP API on an embedded PostgreSQL. Not a
 * test (nothing is asserted about speed); run it and read the figures:
 *
 * <pre>
 * cd /work/main && mvn -B -o -q -pl api test-compile exec:java@bench \
 *   [-Dbench.requests=5000] [-Dbench.concurrency=32] [-Dbench.skus=1000]
 * </pre>
 *
 * Two scenarios, each after a warm-up: every request reserves one unit of ONE hot SKU at one
 * location (all contend for one row), then of a random SKU out of {@code bench.skus} (little
 * contention). Stock is large enough that every reservation succeeds, so the figures measure the
 * successful path. Prints requests/s and p50/p99/max latency per scenario.
 */
public final class ReservationBenchmark {
  private static final String KEY = "bench-key-0123456789abcdef";

  private ReservationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int requests = Integer.getInteger("bench.requests", 5_000);
    int concurrency = Integer.getInteger("bench.concurrency", 32);
    int skus = Integer.getInteger("bench.skus", 1_000);
    Path dir = Files.createTempDirectory("reservation-bench");
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"), Ports.free());
        ApplicationContext ctx =
            ApplicationContext.run(
                Map.of(
                    "micronaut.server.port",
                    Ports.free(),
                    "stockflow.database.url",
                    pg.jdbcUrl(),
                    "stockflow.database.pool-size",
                    String.valueOf(Math.min(concurrency, 40)),
                    "stockflow.api.keys." + KEY,
                    "channel"))) {
      EmbeddedServer server = ctx.getBean(EmbeddedServer.class).start();
      DSLContext sql = ctx.getBean(DSLContext.class);
      seed(sql, skus, (long) requests * 4);
      Http http = new Http(server.getURI(), KEY);
      System.out.printf(
          "reservation benchmark: %d requests per scenario, %d concurrent clients, %d cores%n",
          requests, concurrency, Runtime.getRuntime().availableProcessors());

      run(http, "warm-up", Math.min(requests, 1_000), concurrency, i -> "HOT");
      print(run(http, "one hot SKU", requests, concurrency, i -> "HOT"));
      print(
          run(
              http,
              "many SKUs (" + skus + ")",
              requests,
              concurrency,
              i -> "SKU-" + ThreadLocalRandom.current().nextInt(skus)));
      server.stop();
    }
  }

  /** Picks the SKU of request i. */
  private interface SkuChooser {
    String sku(int i);
  }

  private record Result(
      String name,
      int requests,
      long nanos,
      long[] latencies,
      Map<Integer, AtomicInteger> statuses) {}

  private static final AtomicLong CARTS = new AtomicLong();

  private static Result run(
      Http http, String name, int requests, int concurrency, SkuChooser chooser) throws Exception {
    long[] latencies = new long[requests];
    Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
    ExecutorService pool = Executors.newFixedThreadPool(concurrency);
    try {
      List<Future<?>> futures = new ArrayList<>();
      long start = System.nanoTime();
      for (int i = 0; i < requests; i++) {
        int n = i;
        futures.add(
            pool.submit(
                () -> {
                  String body =
                      "{\"cartId\":\"bench-"
                          + CARTS.incrementAndGet()
                          + "\",\"lines\":[{\"lineNo\":1,\"sku\":\""
                          + chooser.sku(n)
                          + "\",\"quantity\":1}]}";
                  long t0 = System.nanoTime();
                  int status = http.post("/reservations", body).status();
                  latencies[n] = System.nanoTime() - t0;
                  statuses.computeIfAbsent(status, s -> new AtomicInteger()).incrementAndGet();
                }));
      }
      for (Future<?> f : futures) f.get();
      return new Result(name, requests, System.nanoTime() - start, latencies, statuses);
    } finally {
      pool.shutdownNow();
    }
  }

  private static void print(Result r) {
    long[] sorted = r.latencies().clone();
    Arrays.sort(sorted);
    double seconds = r.nanos() / 1e9;
    System.out.printf(
        "%-20s %8.0f reservations/s  p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  statuses %s%n",
        r.name(),
        r.requests() / seconds,
        sorted[(int) (sorted.length * 0.50)] / 1e6,
        sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6,
        sorted[sorted.length - 1] / 1e6,
        r.statuses());
  }

  private static void seed(DSLContext sql, int skus, long stock) {
    sql.execute(
        "INSERT INTO locations (id, name, kind, region) VALUES ('BENCH-1', 'Bench FC', 'fulfilment_centre', 'us-west')");
    sql.execute("INSERT INTO skus (sku, name) VALUES ('HOT', 'hot sku')");
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand) VALUES ('HOT', 'BENCH-1', ?)",
        stock);
    sql.execute(
        "INSERT INTO skus (sku, name) SELECT 'SKU-' || g, 'sku ' || g FROM generate_series(0, ?) g",
        skus - 1);
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand)"
            + " SELECT 'SKU-' || g, 'BENCH-1', ? FROM generate_series(0, ?) g",
        stock,
        skus - 1);
  }
}
