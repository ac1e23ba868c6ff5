package io.stockflow.dev;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.CountAtBucket;
import io.micrometer.core.instrument.distribution.HistogramSnapshot;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.changefeed.metrics.ChangefeedMetrics;
import io.stockflow.embedded.StartupException;
import io.stockflow.platform.TemporalFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAccumulator;

/**
 * The pipeline benchmark (a command, not a test): starts the whole platform on embedded servers in
 * a scratch directory, drives SQL {@code UPDATE}s of {@code inventory_levels} at a chosen rate for
 * a chosen time — as associates and services would — and prints what came out the other end:
 * throughput, commit-to-handled latency, consumer lag and Temporal calls per second.
 *
 * <pre>
 *   ./stockflow bench pipeline [--rate 200] [--seconds 30] [--skus 200] [--writers 8]
 * </pre>
 *
 * Latency is measured twice: exactly, per change, for the audit log (the row's commit time from its
 * changefeed {@code updated} versus the time the audit row was written), and from the framework's
 * latency histogram (bucket upper bounds) for the subprocessors that call Temporal.
 */
public final class PipelineBenchmark {
  private static final String PREFIX = "BENCH-";
  private static final Set<String> WORKFLOW_CALLS =
      Set.of(
          "SignalWithStartWorkflowExecution", "StartWorkflowExecution", "SignalWorkflowExecution");

  record Options(int rate, int seconds, int skus, int writers) {
    static Options parse(String[] args) {
      Map<String, Integer> v =
          new TreeMap<>(Map.of("--rate", 200, "--seconds", 30, "--skus", 200, "--writers", 8));
      for (int i = 0; i < args.length; i += 2) {
        if (!v.containsKey(args[i]) || i + 1 >= args.length)
          throw new IllegalArgumentException(
              "usage: bench pipeline [--rate N] [--seconds N] [--skus N] [--writers N]; got "
                  + String.join(" ", args));
        int n = Integer.parseInt(args[i + 1]);
        if (n <= 0) throw new IllegalArgumentException(args[i] + " must be positive");
        v.put(args[i], n);
      }
      return new Options(v.get("--rate"), v.get("--seconds"), v.get("--skus"), v.get("--writers"));
    }
  }

  public static void main(String[] args) throws Exception {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(2);
      return;
    }
    Path dir = Files.createTempDirectory("stockflow-bench");
    System.out.printf(
        "[bench] pipeline: %d writes/s for %d s over %d SKUs x 3 locations, %d writers; data in %s%n",
        o.rate, o.seconds, o.skus, o.writers, dir);
    int exit = 0;
    try (DevStack stack = DevStack.start(DevSettings.isolated(dir, Map.of()))) {
      new PipelineBenchmark(stack, o).run();
    } catch (StartupException e) {
      System.err.println("[bench] " + e.getMessage());
      exit = 1;
    } finally {
      DevStack.deleteRecursively(dir);
    }
    // Exit explicitly: client libraries leave non-daemon threads behind.
    System.exit(exit);
  }

  private final DevStack stack;
  private final Options o;
  private final MeterRegistry registry;
  private final ChangefeedProcessor processor;

  private PipelineBenchmark(DevStack stack, Options o) {
    this.stack = stack;
    this.o = o;
    this.registry = stack.platform().getBean(MeterRegistry.class);
    this.processor = stack.platform().getBean(ChangefeedProcessor.class);
  }

  private void run() throws Exception {
    seed();
    long seeded = o.skus * 3L;
    System.out.printf("[bench] seeded %d rows; waiting for their inserts to drain%n", seeded);
    awaitAudited(seeded, 0, 300);
    quiesce();

    Map<String, Double> callsBefore = temporalCalls();
    Map<String, Double> processedBefore = processedBySubprocessor();
    long runStart = System.currentTimeMillis();
    long written = write();
    long writeEnd = System.currentTimeMillis();
    long drained = awaitAudited(written, runStart, 300);
    long runEnd = System.currentTimeMillis();
    Map<String, Double> callsAfter = temporalCalls();
    Map<String, Double> processedAfter = processedBySubprocessor();

    double writeSecs = (writeEnd - runStart) / 1000.0;
    double totalSecs = (runEnd - runStart) / 1000.0;
    System.out.println();
    System.out.println("## Pipeline benchmark");
    System.out.printf(
        "command: ./stockflow bench pipeline --rate %d --seconds %d --skus %d --writers %d%n",
        o.rate, o.seconds, o.skus, o.writers);
    System.out.printf(
        "machine: %d cores, Java %s%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
    System.out.printf(
        "| writes | offered rate | achieved write rate | handled (audit log) | end-to-end throughput | drained after writes stopped |%n");
    System.out.printf("|---|---|---|---|---|---|%n");
    System.out.printf(
        Locale.ROOT,
        "| %d | %d/s | %.0f/s | %d | %.0f changes/s | %.1f s |%n%n",
        written,
        o.rate,
        written / writeSecs,
        drained,
        drained / totalSecs,
        (runEnd - writeEnd) / 1000.0);

    System.out.println("Commit-to-handled latency (ms):");
    System.out.println("| subprocessor | how | p50 | p95 | p99 | max |");
    System.out.println("|---|---|---|---|---|---|");
    double[] exact = auditLatencies(runStart);
    System.out.printf(
        Locale.ROOT,
        "| audit-log | exact, per change | %.0f | %.0f | %.0f | %.0f |%n",
        exact[0],
        exact[1],
        exact[2],
        exact[3]);
    for (String name : List.of("restock", "stock-alert", "channel-sync")) {
      Timer t =
          registry.find(ChangefeedMetrics.LATENCY).tag("subprocessor", name).timers().stream()
              .findFirst()
              .orElse(null);
      if (t == null) continue;
      HistogramSnapshot h = t.takeSnapshot();
      System.out.printf(
          Locale.ROOT,
          "| %s | histogram bucket, whole run | ≤%.0f | ≤%.0f | ≤%.0f | %.0f |%n",
          name,
          bucket(h, 0.50),
          bucket(h, 0.95),
          bucket(h, 0.99),
          h.max(TimeUnit.MILLISECONDS));
    }
    System.out.println();
    System.out.println(
        "Work per subprocessor during the run (calls to process; the rest coalesced or filtered):");
    System.out.println("| subprocessor | processed | per change |");
    System.out.println("|---|---|---|");
    processedAfter.forEach(
        (name, after) -> {
          double n = after - processedBefore.getOrDefault(name, 0.0);
          System.out.printf(Locale.ROOT, "| %s | %.0f | %.2f |%n", name, n, n / written);
        });
    System.out.println();
    double calls = 0;
    StringBuilder byMethod = new StringBuilder();
    for (var e : callsAfter.entrySet()) {
      if (!WORKFLOW_CALLS.contains(e.getKey())) continue;
      double n = e.getValue() - callsBefore.getOrDefault(e.getKey(), 0.0);
      calls += n;
      byMethod.append(String.format(Locale.ROOT, " %s=%.0f", e.getKey(), n));
    }
    System.out.printf(
        Locale.ROOT,
        "Temporal start/signal calls: %.0f in %.1f s = %.1f/s, %.3f per change (%s )%n",
        calls,
        totalSecs,
        calls / totalSecs,
        calls / written,
        byMethod.toString().trim().isEmpty() ? " none" : byMethod);
    System.out.printf(
        Locale.ROOT,
        "Consumer lag (inventory_levels, sampled each second): max %d, mean %.1f records%n",
        maxLag.get(),
        lagSamples.get() == 0 ? 0.0 : (double) lagSum.get() / lagSamples.get());
  }

  // --- load ----------------------------------------------------------------------------------

  private void seed() throws SQLException {
    try (Connection c = connect();
        PreparedStatement sku =
            c.prepareStatement(
                "INSERT INTO skus (sku, name, unit_price) VALUES (?, ?, 1.00) ON CONFLICT (sku) DO NOTHING");
        PreparedStatement level =
            c.prepareStatement(
                "INSERT INTO inventory_levels (sku, location_id, on_hand, reorder_point, safety_stock, max_stock)"
                    + " SELECT ?, id, 10000, 20, 5, 20000 FROM locations"
                    + " ON CONFLICT (sku, location_id) DO NOTHING")) {
      for (int i = 0; i < o.skus; i++) {
        String s = sku(i);
        sku.setString(1, s);
        sku.setString(2, "Benchmark SKU " + i);
        sku.executeUpdate();
        level.setString(1, s);
        level.executeUpdate();
      }
    }
  }

  private final AtomicLong maxLag = new AtomicLong();
  private final AtomicLong lagSum = new AtomicLong();
  private final AtomicLong lagSamples = new AtomicLong();

  /** Paced writers: the i-th write is due at start + i / rate; each is its own transaction. */
  private long write() throws Exception {
    long total = (long) o.rate * o.seconds;
    AtomicLong next = new AtomicLong();
    LongAccumulator late = new LongAccumulator(Math::max, 0);
    long start = System.nanoTime();
    List<String> locations = List.of("SEA1", "PDX-STORE", "NYC-DARK");
    ExecutorService pool = Executors.newFixedThreadPool(o.writers + 1);
    try {
      List<Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < o.writers; w++) {
        int seed = w;
        writers.add(
            pool.submit(
                () -> {
                  SplittableRandom random = new SplittableRandom(seed);
                  try (Connection c = connect();
                      PreparedStatement up =
                          c.prepareStatement(
                              "UPDATE inventory_levels SET on_hand = on_hand + ?"
                                  + " WHERE sku = ? AND location_id = ?")) {
                    for (long i; (i = next.getAndIncrement()) < total; ) {
                      long due = start + i * 1_000_000_000L / o.rate;
                      long wait = due - System.nanoTime();
                      if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
                      else late.accumulate(-wait / 1_000_000);
                      int delta = random.nextInt(1, 4) * (random.nextBoolean() ? 1 : -1);
                      up.setInt(1, delta);
                      up.setString(2, sku(random.nextInt(o.skus)));
                      up.setString(3, locations.get(random.nextInt(locations.size())));
                      up.executeUpdate();
                    }
                  }
                  return null;
                }));
      }
      // Progress once a second, and the consumer lag sample.
      while (!writers.stream().allMatch(Future::isDone)) {
        TimeUnit.SECONDS.sleep(1);
        long lag = sampleLag();
        System.out.printf(
            "[bench] t=%3ds written=%d audited=%d consumer lag=%d%n",
            (System.nanoTime() - start) / 1_000_000_000L,
            Math.min(next.get(), total),
            audited(0),
            lag);
      }
      for (Future<?> f : writers) f.get();
    } finally {
      pool.shutdownNow();
    }
    if (late.get() > 1000)
      System.out.printf(
          "[bench] writers fell behind the offered rate by up to %d ms (database-bound)%n",
          late.get());
    return total;
  }

  private long sampleLag() {
    long lag =
        processor.status().topics().stream()
            .filter(t -> t.topic().equals("inventory_levels"))
            .mapToLong(t -> Math.max(0, t.consumerLag()))
            .sum();
    maxLag.accumulateAndGet(lag, Math::max);
    lagSum.addAndGet(lag);
    lagSamples.incrementAndGet();
    return lag;
  }

  /**
   * Waits until the audit log holds {@code expected} benchmark changes committed since {@code
   * since}.
   */
  private long awaitAudited(long expected, long since, int timeoutSeconds) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long n;
    while ((n = audited(since)) < expected) {
      if (System.nanoTime() > deadline) {
        System.out.printf("[bench] gave up waiting: %d of %d changes audited%n", n, expected);
        return n;
      }
      sampleLag();
      TimeUnit.MILLISECONDS.sleep(200);
    }
    return n;
  }

  /**
   * Waits until the seeding's reactions are over (no lag, no subprocessor still working on them),
   * so the measured window holds only the benchmark's own writes.
   */
  private void quiesce() throws InterruptedException {
    double last = -1;
    int stable = 0;
    while (stable < 3) {
      TimeUnit.SECONDS.sleep(1);
      double now =
          processedBySubprocessor().values().stream().mapToDouble(Double::doubleValue).sum();
      stable = now == last && sampleLag() == 0 ? stable + 1 : 0;
      last = now;
    }
    maxLag.set(0);
    lagSum.set(0);
    lagSamples.set(0);
  }

  private long audited(long sinceMillis) throws SQLException {
    try (Connection c = connect();
        PreparedStatement q =
            c.prepareStatement(
                "SELECT count(*) FROM inventory_changes WHERE table_name = 'inventory_levels'"
                    + " AND row_key LIKE ? AND committed_at >= ?")) {
      q.setString(1, "%" + PREFIX + "%");
      q.setTimestamp(2, new java.sql.Timestamp(sinceMillis));
      try (ResultSet rs = q.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  /** p50, p95, p99, max of recorded_at − committed_at over the run's changes, in ms. */
  private double[] auditLatencies(long sinceMillis) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY ms),"
                    + " percentile_cont(0.95) WITHIN GROUP (ORDER BY ms),"
                    + " percentile_cont(0.99) WITHIN GROUP (ORDER BY ms), max(ms)"
                    + " FROM (SELECT extract(epoch FROM recorded_at - committed_at) * 1000 AS ms"
                    + "   FROM inventory_changes WHERE table_name = 'inventory_levels'"
                    + "   AND row_key LIKE '%"
                    + PREFIX
                    + "%' AND committed_at >= to_timestamp("
                    + sinceMillis / 1000.0
                    + ")) t")) {
      rs.next();
      return new double[] {rs.getDouble(1), rs.getDouble(2), rs.getDouble(3), rs.getDouble(4)};
    }
  }

  private static double bucket(HistogramSnapshot h, double q) {
    double wanted = q * h.count();
    for (CountAtBucket b : h.histogramCounts())
      if (b.count() >= wanted) return b.bucket(TimeUnit.MILLISECONDS);
    return h.max(TimeUnit.MILLISECONDS);
  }

  private Map<String, Double> temporalCalls() {
    Map<String, Double> out = new TreeMap<>();
    for (Counter c : registry.find(TemporalFactory.CALLS).counters())
      out.merge(c.getId().getTag("method"), c.count(), Double::sum);
    return out;
  }

  private Map<String, Double> processedBySubprocessor() {
    Map<String, Double> out = new TreeMap<>();
    for (Counter c :
        registry.find(ChangefeedMetrics.PROCESSED).tag("topic", "inventory_levels").counters())
      out.merge(c.getId().getTag("subprocessor"), c.count(), Double::sum);
    return out;
  }

  private Connection connect() throws SQLException {
    return DriverManager.getConnection(stack.jdbcUrl());
  }

  private static String sku(int i) {
    return String.format(Locale.ROOT, "%s%04d", PREFIX, i);
  }
}
