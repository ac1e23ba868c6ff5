package io.stockflow.api.bench;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.stockflow.api.reservations.ReservationBatcher;
import io.stockflow.api.support.Http;
import io.stockflow.embedded.EmbeddedPostgresServer;
import io.stockflow.embedded.Ports;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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
 * Reservation throughput and latency through the real HTTP API on an embedded PostgreSQL, beside
 * the raw bound of the same database. Not a test (nothing is asserted about speed); run it and read
 * the figures:
 *
 * <pre>
 * ./stockflow bench reservations     # = mvn -B -q -pl api test-compile exec:java@bench
 *   [-Dbench.requests=5000] [-Dbench.concurrency=32] [-Dbench.skus=1000]
 *   [-Dbench.buyers=10000] [-Dbench.units=100] [-Dbench.flash-concurrency=128]
 * </pre>
 *
 * Four scenarios in one run, one after the other, on one database:
 *
 * <ol>
 *   <li><b>raw one-row bound</b>: {@code bench.concurrency} JDBC clients, no HTTP, no API, each
 *       transaction "UPDATE one row reserved + 1; INSERT a reservation row; COMMIT" on the same row
 *       (what pgbench would measure with that script): the most single-reservation commits per
 *       second one row allows;
 *   <li><b>API, one hot SKU</b>: every request reserves one unit of one SKU at one location;
 *   <li><b>API, many SKUs</b>: one unit of a random SKU out of {@code bench.skus};
 *   <li><b>flash sale</b>: {@code bench.buyers} buyers ({@code bench.flash-concurrency} at a time)
 *       for {@code bench.units} units: exactly that many must be held, no 5xx; 409 sold out and 429
 *       (admission control) are counted apart.
 * </ol>
 *
 * Stock of the first three is large enough that every reservation succeeds, so they measure the
 * successful path. Prints requests/s, p50/p99/max and the ratios side by side.
 */
public final class ReservationBenchmark {
  private static final String KEY = "bench-key-0123456789abcdef";

  private ReservationBenchmark() {}

  public static void main(String[] args) throws Exception {
    int requests = Integer.getInteger("bench.requests", 5_000);
    int concurrency = Integer.getInteger("bench.concurrency", 32);
    int skus = Integer.getInteger("bench.skus", 1_000);
    int buyers = Integer.getInteger("bench.buyers", 10_000);
    int units = Integer.getInteger("bench.units", 100);
    int flashConcurrency = Integer.getInteger("bench.flash-concurrency", 128);
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
      seed(sql, skus, (long) requests * 4, units);
      Http http = new Http(server.getURI(), KEY);
      System.out.printf(
          "reservation benchmark: %d requests per scenario, %d concurrent clients, %d cores;"
              + " flash sale %d buyers (%d at a time) for %d units%n",
          requests,
          concurrency,
          Runtime.getRuntime().availableProcessors(),
          buyers,
          flashConcurrency,
          units);

      ReservationBatcher batcher = ctx.getBean(ReservationBatcher.class);
      Result raw = raw(pg.jdbcUrl(), requests, concurrency);
      run(http, "warm-up", Math.min(requests, 1_000), concurrency, i -> "HOT");
      ReservationBatcher.Stats s0 = batcher.stats();
      Result hot = run(http, "API, one hot SKU", requests, concurrency, i -> "HOT");
      ReservationBatcher.Stats s1 = batcher.stats();
      Result many =
          run(
              http,
              "API, " + skus + " SKUs",
              requests,
              concurrency,
              i -> "SKU-" + ThreadLocalRandom.current().nextInt(skus));
      ReservationBatcher.Stats s2 = batcher.stats();
      Result flash = run(http, "flash sale", buyers, flashConcurrency, i -> "FLASH");
      ReservationBatcher.Stats s3 = batcher.stats();

      System.out.println();
      System.out.printf(
          "%-22s %9s %9s %9s %9s   %s%n", "scenario", "per s", "p50 ms", "p99 ms", "max ms", "");
      print(raw, "JDBC transactions, no HTTP");
      print(
          hot,
          String.format(
              "%.2fx raw, %.2fx many-SKU rate", hot.rate() / raw.rate(), hot.rate() / many.rate()));
      print(many, String.format("%.2fx raw", many.rate() / raw.rate()));
      System.out.printf(
          "group commit: %s; %s; %s%n",
          batches("hot", s0, s1), batches("many", s1, s2), batches("flash", s2, s3));
      long held =
          sql.fetchOne("SELECT reserved FROM inventory_levels WHERE sku = 'FLASH'")
              .get(0, Long.class);
      long rows =
          sql.fetchOne("SELECT count(*) FROM reservations WHERE sku = 'FLASH'").get(0, Long.class);
      int fiveXx =
          flash.statuses().entrySet().stream()
              .filter(e -> e.getKey() >= 500)
              .mapToInt(e -> e.getValue().get())
              .sum();
      print(
          flash,
          String.format(
              "held %d of %d (%s), rows %d, 201: %d, 409: %d, 429: %d, 5xx: %d",
              held,
              units,
              held == units && rows == units && count(flash, 201) == units ? "exact" : "NOT EXACT",
              rows,
              count(flash, 201),
              count(flash, 409),
              count(flash, 429),
              fiveXx));
      server.stop();
    }
  }

  /** Batches and mean requests per batch between two snapshots of the batcher's counters. */
  private static String batches(
      String name, ReservationBatcher.Stats a, ReservationBatcher.Stats b) {
    long n = b.batches() - a.batches();
    long requests = b.requests() - a.requests();
    return String.format(
        "%s %d batches, %.1f requests/batch, %d set-based runs (%d fell back)",
        name,
        n,
        n == 0 ? 0.0 : (double) requests / n,
        b.setRuns() - a.setRuns(),
        b.fallbacks() - a.fallbacks());
  }

  private static int count(Result r, int status) {
    AtomicInteger n = r.statuses().get(status);
    return n == null ? 0 : n.get();
  }

  /**
   * The raw one-row bound: pgbench-style clients, each a JDBC connection running "UPDATE the row
   * reserved + 1; INSERT a reservation; COMMIT" as fast as it can.
   */
  private static Result raw(String jdbcUrl, int transactions, int clients) throws Exception {
    long[] latencies = new long[transactions];
    AtomicInteger next = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(clients);
    List<Connection> connections = new ArrayList<>();
    try {
      for (int c = 0; c < clients; c++) {
        Connection conn = DriverManager.getConnection(jdbcUrl);
        conn.setAutoCommit(false);
        connections.add(conn);
      }
      List<Future<?>> futures = new ArrayList<>();
      long start = System.nanoTime();
      for (Connection conn : connections) {
        futures.add(
            pool.submit(
                () -> {
                  try (PreparedStatement update =
                          conn.prepareStatement(
                              "UPDATE inventory_levels SET reserved = reserved + 1"
                                  + " WHERE sku = 'RAW' AND location_id = 'BENCH-1'"
                                  + " AND on_hand - allocated - reserved >= 1");
                      PreparedStatement insert =
                          conn.prepareStatement(
                              "INSERT INTO reservations (id, cart_id, sku, location_id, quantity,"
                                  + " status, expires_at) VALUES (?, ?, 'RAW', 'BENCH-1', 1,"
                                  + " 'active', now() + interval '15 minutes')")) {
                    for (int i = next.getAndIncrement();
                        i < transactions;
                        i = next.getAndIncrement()) {
                      long t0 = System.nanoTime();
                      update.executeUpdate();
                      insert.setString(1, "raw-" + i + ":1");
                      insert.setString(2, "raw-" + i);
                      insert.executeUpdate();
                      conn.commit();
                      latencies[i] = System.nanoTime() - t0;
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : futures) f.get();
      Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
      statuses.put(0, new AtomicInteger(transactions));
      return new Result(
          "raw one-row bound", transactions, System.nanoTime() - start, latencies, statuses);
    } finally {
      pool.shutdownNow();
      for (Connection c : connections) c.close();
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
      Map<Integer, AtomicInteger> statuses) {
    double rate() {
      return requests / (nanos / 1e9);
    }
  }

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

  private static void print(Result r, String note) {
    long[] sorted = r.latencies().clone();
    Arrays.sort(sorted);
    System.out.printf(
        "%-22s %9.0f %9.1f %9.1f %9.1f   %s%n",
        r.name(),
        r.rate(),
        sorted[(int) (sorted.length * 0.50)] / 1e6,
        sorted[Math.min(sorted.length - 1, (int) (sorted.length * 0.99))] / 1e6,
        sorted[sorted.length - 1] / 1e6,
        note);
  }

  private static void seed(DSLContext sql, int skus, long stock, long flashUnits) {
    sql.execute(
        "INSERT INTO locations (id, name, kind, region) VALUES ('BENCH-1', 'Bench FC', 'fulfilment_centre', 'us-west')");
    sql.execute("INSERT INTO skus (sku, name) VALUES ('HOT', 'hot sku')");
    sql.execute("INSERT INTO skus (sku, name) VALUES ('RAW', 'raw bound sku')");
    sql.execute("INSERT INTO skus (sku, name) VALUES ('FLASH', 'flash sale sku')");
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand) VALUES ('RAW', 'BENCH-1', ?)",
        stock);
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand) VALUES ('FLASH', 'BENCH-1', ?)",
        flashUnits);
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
