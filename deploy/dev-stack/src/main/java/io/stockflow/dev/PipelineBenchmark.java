package io.stockflow.dev;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.embedded.StartupException;
import io.stockflow.platform.TemporalFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Instant;
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
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAccumulator;
import org.apache.kafka.common.TopicPartition;

/**
 * The pipeline benchmark (a command, not a test): starts the whole platform on embedded servers in
 * a scratch directory, drives SQL {@code UPDATE}s of {@code inventory_levels} at a chosen rate for
 * a chosen time — as associates and services would — and prints what came out the other end.
 *
 * <pre>
 *   ./stockflow bench pipeline [--rate 200] [--seconds 30] [--skus 200] [--writers 8]
 *   ./stockflow bench pipeline --search [--rate 200] [--max-rate 2000] [--seconds 60] …
 *   ./stockflow bench pipeline --noop [--records 30000] [--rounds 2] [--skus 200]
 * </pre>
 *
 * A run prints, for the changes committed during the write window (by their changefeed {@code
 * updated}): exact commit-to-handled percentiles for every subprocessor of the topic (from {@link
 * io.stockflow.changefeed.consumer.HandledListener}), the keep-up ratio, the maximum consumer lag,
 * the drain time and the Temporal calls. {@code --search} repeats runs at stepped rates on one
 * stack to find the highest rate the pipeline keeps up with; {@code --noop} measures the consumer
 * framework's own overhead against a plain Kafka consumer ({@link NoopBenchmark}).
 */
public final class PipelineBenchmark {
  static final String TOPIC = "inventory_levels";
  static final String PREFIX = "BENCH-";
  static final String AUDIT = "audit-log";
  private static final Set<String> WORKFLOW_CALLS =
      Set.of(
          "SignalWithStartWorkflowExecution", "StartWorkflowExecution", "SignalWorkflowExecution");

  /** Exit codes: 0 measured, 1 error (a server did not start, a query failed), 2 usage. */
  static final int EXIT_OK = 0, EXIT_ERROR = 1, EXIT_USAGE = 2;

  /** 3: the measurement is incomplete (the pipeline did not drain within its time limit). */
  static final int EXIT_INCOMPLETE = 3;

  static final String USAGE =
      "usage: bench pipeline [--rate N] [--seconds N] [--skus N] [--writers N]\n"
          + "       bench pipeline --search [--rate START] [--max-rate N] [--seconds N (60)] …\n"
          + "       bench pipeline --noop [--records N] [--rounds N] [--skus N]";

  enum Mode {
    RUN,
    SEARCH,
    NOOP
  }

  record Options(
      Mode mode,
      int rate,
      int seconds,
      int skus,
      int writers,
      int maxRate,
      int records,
      int rounds) {
    static Options parse(String[] args) {
      Map<String, Integer> v =
          new TreeMap<>(
              Map.of(
                  "--rate",
                  200,
                  "--seconds",
                  30,
                  "--skus",
                  200,
                  "--writers",
                  8,
                  "--max-rate",
                  2000,
                  "--records",
                  30000,
                  "--rounds",
                  2));
      boolean noop = false, search = false, secondsGiven = false;
      for (int i = 0; i < args.length; ) {
        String a = args[i];
        if (a.equals("--noop") || a.equals("--search")) {
          noop |= a.equals("--noop");
          search |= a.equals("--search");
          i++;
          continue;
        }
        if (!v.containsKey(a) || i + 1 >= args.length)
          throw new IllegalArgumentException(USAGE + "\ngot: " + String.join(" ", args));
        int n;
        try {
          n = Integer.parseInt(args[i + 1]);
        } catch (NumberFormatException e) {
          throw new IllegalArgumentException(a + " needs a number, got '" + args[i + 1] + "'");
        }
        if (n <= 0) throw new IllegalArgumentException(a + " must be positive");
        v.put(a, n);
        secondsGiven |= a.equals("--seconds");
        i += 2;
      }
      if (noop && search)
        throw new IllegalArgumentException("--noop and --search are separate modes; choose one");
      Mode mode = noop ? Mode.NOOP : search ? Mode.SEARCH : Mode.RUN;
      int seconds = mode == Mode.SEARCH && !secondsGiven ? 60 : v.get("--seconds");
      // The lag-growth check compares two halves of the window, each needs a few samples.
      if (mode == Mode.SEARCH && seconds < 4)
        throw new IllegalArgumentException("--search needs --seconds of at least 4");
      return new Options(
          mode,
          v.get("--rate"),
          seconds,
          v.get("--skus"),
          v.get("--writers"),
          v.get("--max-rate"),
          v.get("--records"),
          v.get("--rounds"));
    }
  }

  public static void main(String[] args) {
    Options o;
    try {
      o = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.exit(EXIT_USAGE);
      return;
    }
    int exit;
    Path dir = null;
    try {
      dir = Files.createTempDirectory("stockflow-bench");
      System.out.printf("[bench] %s; data in %s%n", describe(o), dir);
      exit = run(o, dir);
    } catch (StartupException e) {
      System.err.println("[bench] " + e.getMessage());
      exit = EXIT_ERROR;
    } catch (Exception e) {
      System.err.println("[bench] failed: " + e);
      e.printStackTrace();
      exit = EXIT_ERROR;
    } finally {
      if (dir != null) DevStack.deleteRecursively(dir);
    }
    // Exit explicitly: client libraries leave non-daemon threads behind.
    System.exit(exit);
  }

  private static int run(Options o, Path dir) throws Exception {
    try (DevStack stack = DevStack.start(DevSettings.isolated(dir, Map.of()))) {
      // Ctrl-C must not leave PostgreSQL, Kafka or Temporal running (close is idempotent).
      Thread hook = new Thread(stack::close, "bench-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      try (TopicOffsets offsets = new TopicOffsets(stack.kafkaBootstrap(), TOPIC)) {
        return switch (o.mode) {
          case NOOP -> new NoopBenchmark(stack, o, offsets).run();
          case SEARCH -> new PipelineBenchmark(stack, o, offsets).search();
          case RUN -> new PipelineBenchmark(stack, o, offsets).single();
        };
      } finally {
        try {
          Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
          // the hook is already running
        }
      }
    }
  }

  static String describe(Options o) {
    return switch (o.mode) {
      case RUN ->
          String.format(
              "pipeline: %d writes/s for %d s over %d SKUs x 3 locations, %d writers",
              o.rate, o.seconds, o.skus, o.writers);
      case SEARCH ->
          String.format(
              "pipeline --search: rates from %d/s up to %d/s, %d s each, %d SKUs x 3 locations, %d writers",
              o.rate, o.maxRate, o.seconds, o.skus, o.writers);
      case NOOP ->
          String.format(
              "pipeline --noop: ~%d changefeed records of %d SKUs x 3 locations, %d rounds",
              o.records, o.skus, o.rounds);
    };
  }

  private final DevStack stack;
  private final Options o;
  private final TopicOffsets offsets;
  private final MeterRegistry registry;
  private final ChangefeedProcessor processor;
  private final String group;
  private final List<String> subprocessors;

  /**
   * Listeners cannot be removed, so one is registered and forwards to the current window's recorder
   * (each search step has its own).
   */
  private final AtomicReference<HandledLatencies> window = new AtomicReference<>();

  private PipelineBenchmark(DevStack stack, Options o, TopicOffsets offsets) {
    this.stack = stack;
    this.o = o;
    this.offsets = offsets;
    this.registry = stack.platform().getBean(MeterRegistry.class);
    this.processor = stack.platform().getBean(ChangefeedProcessor.class);
    this.group = processor.config().groupId();
    this.subprocessors =
        processor.config().topics().getOrDefault(TOPIC, List.of()).stream()
            .map(Subprocessor::name)
            .toList();
    if (!subprocessors.contains(AUDIT))
      throw new IllegalStateException(
          "the benchmark counts changes by '" + AUDIT + "', which " + TOPIC + " does not enable");
    processor.addHandledListener(
        (topic, subprocessor, updated, handledAt) -> {
          HandledLatencies w = window.get();
          if (w != null) w.handled(topic, subprocessor, updated, handledAt);
        });
  }

  // --- modes ---------------------------------------------------------------------------------

  private int single() throws Exception {
    prepare();
    Result r = measure(o.rate, o.seconds);
    report(r);
    return r.drained ? EXIT_OK : EXIT_INCOMPLETE;
  }

  /**
   * Grows the rate ×1.5 from {@code --rate} while steps pass, then bisects between the highest
   * passing and the lowest failing rate until they are within 10 % (at most 10 steps in all).
   */
  private int search() throws Exception {
    prepare();
    List<Result> steps = new ArrayList<>();
    int pass = 0, fail = Integer.MAX_VALUE;
    int rate = Math.min(o.rate, o.maxRate);
    while (steps.size() < 10) {
      Result r = measure(rate, o.seconds);
      steps.add(r);
      Verdict v = r.verdict();
      System.out.printf(
          Locale.ROOT,
          "[bench] step %d: %d/s -> %s (achieved %.0f/s, keep-up %.3f steady / %.3f window,"
              + " lag %d -> %d, drain %s)%n",
          steps.size(),
          rate,
          v.pass ? "PASS" : "FAIL: " + v.why,
          r.achievedRate(),
          r.keepUpSteady,
          r.keepUp,
          r.lagPrev,
          r.lagLast,
          r.drained ? String.format(Locale.ROOT, "%.1f s", r.drainSecs) : "not within limit");
      if (!r.drained) {
        System.out.println(
            "[bench] search stopped: the backlog did not drain, no later step would be clean");
        break;
      }
      if (v.pass) pass = Math.max(pass, rate);
      else fail = Math.min(fail, rate);
      int next;
      if (fail == Integer.MAX_VALUE) {
        if (rate >= o.maxRate) break;
        next = Math.min(o.maxRate, (int) Math.round(rate * 1.5));
      } else {
        if (fail - pass <= Math.max(10, pass / 10)) break;
        next = (pass + fail) / 2;
      }
      rate = next;
      quiesce();
    }
    System.out.println();
    System.out.println("## Pipeline rate search");
    System.out.printf(
        "command: ./stockflow bench pipeline --search --rate %d --max-rate %d --seconds %d --skus %d --writers %d%n",
        o.rate, o.maxRate, o.seconds, o.skus, o.writers);
    machine();
    System.out.println(
        "pass = keep-up (second half) >= 0.99, lag not growing (last slice <= previous + slack),"
            + " drained within 5 s, writers achieved >= 95 % of the rate");
    System.out.println(
        "| step | offered | achieved | keep-up steady | keep-up window | max lag | lag prev -> last | drain | audit-log p50 / p99 ms | verdict |");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (int i = 0; i < steps.size(); i++) {
      Result r = steps.get(i);
      HandledLatencies.Summary a = r.latencies.get(AUDIT);
      Verdict v = r.verdict();
      System.out.printf(
          Locale.ROOT,
          "| %d | %d/s | %.0f/s | %.3f | %.3f | %d | %d -> %d | %s | %s / %s | %s |%n",
          i + 1,
          r.rate,
          r.achievedRate(),
          r.keepUpSteady,
          r.keepUp,
          r.maxLag,
          r.lagPrev,
          r.lagLast,
          r.drained ? String.format(Locale.ROOT, "%.1f s", r.drainSecs) : "no",
          ms(a.p50()),
          ms(a.p99()),
          v.pass ? "pass" : "fail: " + v.why);
    }
    if (pass == 0)
      System.out.printf("result: no step passed; the lowest rate tried failed (%d/s)%n", fail);
    else if (fail == Integer.MAX_VALUE)
      System.out.printf(
          "result: kept up at every rate tried, up to %d/s (the cap; raise --max-rate)%n", pass);
    else
      System.out.printf(
          "result: highest rate kept up with: %d/s (lowest failing: %d/s)%n", pass, fail);
    return steps.get(steps.size() - 1).drained ? EXIT_OK : EXIT_INCOMPLETE;
  }

  // --- one measurement -----------------------------------------------------------------------

  private void prepare() throws Exception {
    seed(stack.jdbcUrl(), o.skus);
    long seeded = o.skus * 3L;
    System.out.printf("[bench] seeded %d rows; waiting for their reactions to finish%n", seeded);
    quiesce();
  }

  record Verdict(boolean pass, String why) {}

  /** What one window at one rate produced. */
  record Result(
      int rate,
      int seconds,
      long written,
      double writeSecs,
      long lateMillis,
      boolean drained,
      double drainSecs,
      double totalSecs,
      long auditHandled,
      double keepUp,
      double keepUpSteady,
      long maxLag,
      long lagPrev,
      long lagLast,
      Map<String, HandledLatencies.Summary> latencies,
      double temporalCalls,
      String callsByMethod) {
    double achievedRate() {
      return written / writeSecs;
    }

    /** Lag may wobble by about a poll batch; growth beyond that means the consumer falls behind. */
    long lagSlack() {
      return Math.max(100, rate / 2);
    }

    Verdict verdict() {
      List<String> why = new ArrayList<>();
      if (achievedRate() < 0.95 * rate)
        why.add(String.format(Locale.ROOT, "writers reached only %.0f/s", achievedRate()));
      if (!(keepUpSteady >= 0.99))
        why.add(String.format(Locale.ROOT, "keep-up %.3f", keepUpSteady));
      if (lagLast > lagPrev + lagSlack()) why.add("lag growing " + lagPrev + " -> " + lagLast);
      if (!drained) why.add("not drained");
      else if (drainSecs > 5) why.add(String.format(Locale.ROOT, "drain %.1f s", drainSecs));
      return new Verdict(why.isEmpty(), String.join(", ", why));
    }
  }

  /**
   * Writes {@code rate × seconds} changes, paced, then waits until they are drained: audit-log has
   * processed every one of them and the consumer group has committed past them (offsets are
   * committed once every subprocessor has handled a batch, so that is "all subprocessors done").
   */
  private Result measure(int rate, int seconds) throws Exception {
    Map<String, Double> callsBefore = temporalCalls();
    Instant windowStart = Instant.now();
    HandledLatencies w = new HandledLatencies(TOPIC, windowStart);
    window.set(w);
    InKafkaLatencies inKafka = new InKafkaLatencies(stack.kafkaBootstrap(), TOPIC, w);
    long total = (long) rate * seconds;
    AtomicLong next = new AtomicLong(), done = new AtomicLong();
    LongAccumulator late = new LongAccumulator(Math::max, 0);
    List<long[]> lagSamples = new ArrayList<>(); // {second of the window, lag}
    long maxLag = 0;
    int progressEvery = seconds <= 20 ? 2 : 5;
    long start = System.nanoTime();
    long halfWay = start + TimeUnit.SECONDS.toNanos(seconds) / 2;
    long midHandled = -1, midDone = -1;
    ExecutorService pool = Executors.newFixedThreadPool(o.writers);
    List<Future<?>> writers = new ArrayList<>();
    try {
      for (int i = 0; i < o.writers; i++) {
        int seed = i;
        writers.add(
            pool.submit(
                () -> {
                  writeLoop(seed, rate, total, start, next, done, late);
                  return null;
                }));
      }
      // Bounded: the writers are paced to finish at `seconds`; a database that cannot keep up
      // gets as long again plus a minute, then the run is abandoned as an error.
      long writeDeadline = start + TimeUnit.SECONDS.toNanos(2L * seconds + 60);
      for (int tick = 1; !writers.stream().allMatch(Future::isDone); tick++) {
        long due = start + TimeUnit.SECONDS.toNanos(tick);
        while (System.nanoTime() < due && !writers.stream().allMatch(Future::isDone))
          TimeUnit.MILLISECONDS.sleep(20);
        if (System.nanoTime() > writeDeadline)
          throw new IllegalStateException(
              "writers did not finish: " + done.get() + " of " + total + " written");
        if (midHandled < 0 && System.nanoTime() >= halfWay) {
          // Snapshot for the steady-state keep-up: both counts at the same instant.
          midHandled = w.count(AUDIT);
          midDone = done.get();
        }
        long lag = offsets.lag(group);
        maxLag = Math.max(maxLag, lag);
        lagSamples.add(new long[] {tick, lag});
        if (tick % progressEvery == 0) progress("t=" + tick + "s", done.get(), w.count(AUDIT), lag);
      }
      for (Future<?> f : writers) f.get(); // a writer's SQL failure surfaces here
    } finally {
      pool.shutdownNow();
    }
    long writeEnd = System.nanoTime();
    long handledInWindow = w.count(AUDIT);

    // Drain: first every change through audit-log, then the group committed up to the end offsets
    // seen at that moment (which hold all of the window's changes).
    long drainDeadline = writeEnd + TimeUnit.SECONDS.toNanos(Math.max(120, 10L * seconds));
    Map<TopicPartition, Long> target = null;
    boolean drained = false;
    long lastSample = writeEnd;
    long nextProgress = progressEvery;
    while (true) {
      if (target == null && w.count(AUDIT) >= total) target = offsets.end();
      if (target != null && offsets.reached(group, target)) {
        drained = true;
        break;
      }
      long now = System.nanoTime();
      if (now > drainDeadline) {
        System.out.printf(
            "[bench] gave up draining after %d s: audit-log handled %d of %d%n",
            TimeUnit.NANOSECONDS.toSeconds(now - writeEnd), w.count(AUDIT), total);
        break;
      }
      if (now - lastSample >= TimeUnit.SECONDS.toNanos(1)) {
        lastSample = now;
        long lag = offsets.lag(group);
        maxLag = Math.max(maxLag, lag);
        long secs = TimeUnit.NANOSECONDS.toSeconds(now - writeEnd);
        if (secs >= nextProgress) {
          nextProgress = secs + progressEvery;
          progress("drain +" + secs + "s", total, w.count(AUDIT), lag);
        }
      }
      TimeUnit.MILLISECONDS.sleep(100);
    }
    long end = System.nanoTime();
    window.set(null);
    inKafka.close();

    Map<String, HandledLatencies.Summary> latencies = new TreeMap<>();
    latencies.put(InKafkaLatencies.NAME, w.summary(InKafkaLatencies.NAME));
    for (String s : subprocessors) latencies.put(s, w.summary(s));
    Map<String, Double> callsAfter = temporalCalls();
    double calls = 0;
    StringBuilder byMethod = new StringBuilder();
    for (var e : callsAfter.entrySet()) {
      if (!WORKFLOW_CALLS.contains(e.getKey())) continue;
      double n = e.getValue() - callsBefore.getOrDefault(e.getKey(), 0.0);
      calls += n;
      byMethod.append(String.format(Locale.ROOT, " %s=%.0f", e.getKey(), n));
    }
    // Lag growth: the last slice of the window against the slice before it.
    int slice = Math.max(2, Math.min(10, seconds / 2));
    long lagLast = maxOver(lagSamples, seconds - slice, seconds);
    long lagPrev = maxOver(lagSamples, seconds - 2 * slice, seconds - slice);
    double writeSecs = (writeEnd - start) / 1e9;
    return new Result(
        rate,
        seconds,
        total,
        writeSecs,
        late.get(),
        drained,
        drained ? (end - writeEnd) / 1e9 : Double.NaN,
        (end - start) / 1e9,
        w.count(AUDIT),
        (double) handledInWindow / total,
        midDone < 0 || total == midDone
            ? Double.NaN
            : (double) (handledInWindow - midHandled) / (total - midDone),
        maxLag,
        lagPrev,
        lagLast,
        latencies,
        calls,
        byMethod.toString().trim());
  }

  private static long maxOver(List<long[]> samples, long fromExclusive, long toInclusive) {
    return samples.stream()
        .filter(s -> s[0] > fromExclusive && s[0] <= toInclusive)
        .mapToLong(s -> s[1])
        .max()
        .orElse(0);
  }

  private static void progress(String when, long written, long handled, long lag) {
    System.out.printf(
        "[bench] %s written=%d handled(audit-log)=%d lag=%d%n", when, written, handled, lag);
  }

  /** One writer: the i-th write is due at start + i / rate; each is its own transaction. */
  private void writeLoop(
      int seed,
      int rate,
      long total,
      long start,
      AtomicLong next,
      AtomicLong done,
      LongAccumulator late)
      throws SQLException, InterruptedException {
    SplittableRandom random = new SplittableRandom(seed * 7919L + rate);
    List<String> locations = List.of("SEA1", "PDX-STORE", "NYC-DARK");
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl());
        PreparedStatement up =
            c.prepareStatement(
                "UPDATE inventory_levels SET on_hand = on_hand + ?"
                    + " WHERE sku = ? AND location_id = ?")) {
      for (long i; (i = next.getAndIncrement()) < total; ) {
        long due = start + i * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
        else late.accumulate(-wait / 1_000_000);
        int delta = random.nextInt(1, 4) * (random.nextBoolean() ? 1 : -1);
        up.setInt(1, delta);
        up.setString(2, sku(random.nextInt(o.skus)));
        up.setString(3, locations.get(random.nextInt(locations.size())));
        up.executeUpdate();
        done.incrementAndGet();
      }
    }
  }

  /**
   * Waits until earlier changes' reactions are over (no uncommitted records, no subprocessor count
   * moving for 3 s), so a window holds only its own writes. Bounded by 5 minutes.
   */
  private void quiesce() throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
    double last = -1;
    for (int stable = 0; stable < 3; ) {
      if (System.nanoTime() > deadline)
        throw new IllegalStateException("the pipeline did not come to rest within 5 minutes");
      TimeUnit.SECONDS.sleep(1);
      double now = processedTotal();
      stable = now == last && offsets.lag(group) == 0 ? stable + 1 : 0;
      last = now;
    }
  }

  // --- output --------------------------------------------------------------------------------

  private void report(Result r) {
    System.out.println();
    System.out.println("## Pipeline benchmark");
    System.out.printf(
        "command: ./stockflow bench pipeline --rate %d --seconds %d --skus %d --writers %d%n",
        r.rate, r.seconds, o.skus, o.writers);
    machine();
    System.out.println(
        "| writes | offered rate | achieved write rate | handled (audit-log) | end-to-end throughput | drain |");
    System.out.println("|---|---|---|---|---|---|");
    System.out.printf(
        Locale.ROOT,
        "| %d | %d/s | %.0f/s | %d | %.0f changes/s | %s |%n%n",
        r.written,
        r.rate,
        r.achievedRate(),
        r.auditHandled,
        r.auditHandled / r.totalSecs,
        r.drained ? String.format(Locale.ROOT, "%.1f s", r.drainSecs) : "did not drain");
    System.out.println(
        "Commit-to-handled latency (ms), exact, per change committed in the window"
            + " (count = process calls; the rest was filtered or coalesced):");
    System.out.println("| subprocessor | count | p50 | p95 | p99 | max |");
    System.out.println("|---|---|---|---|---|---|");
    r.latencies.forEach(
        (name, s) ->
            System.out.printf(
                Locale.ROOT,
                "| %s | %d | %s | %s | %s | %s |%n",
                name,
                s.count(),
                ms(s.p50()),
                ms(s.p95()),
                ms(s.p99()),
                ms(s.max())));
    System.out.println();
    printSummary(r);
  }

  private static void printSummary(Result r) {
    System.out.printf(
        Locale.ROOT,
        "keep-up (audit-log handled / committed): %.3f over the write window (includes the"
            + " pipeline's fill time), %.3f over its second half (the rate ratio)%n",
        r.keepUp,
        r.keepUpSteady);
    System.out.printf(
        "consumer lag (records the group had not committed, sampled each second): max %d;"
            + " last %ds of the window %d vs the %ds before %d%n",
        r.maxLag,
        Math.max(2, Math.min(10, r.seconds / 2)),
        r.lagLast,
        Math.max(2, Math.min(10, r.seconds / 2)),
        r.lagPrev);
    System.out.printf(
        Locale.ROOT,
        "drain (last write until audit-log recorded all and the group committed past them): %s%n",
        r.drained ? String.format(Locale.ROOT, "%.1f s", r.drainSecs) : "did not drain");
    System.out.printf(
        Locale.ROOT,
        "Temporal start/signal calls: %.0f in %.1f s = %.1f/s, %.3f per change (%s)%n",
        r.temporalCalls,
        r.totalSecs,
        r.temporalCalls / r.totalSecs,
        r.temporalCalls / r.written,
        r.callsByMethod.isEmpty() ? "none" : r.callsByMethod);
    if (r.lateMillis > 1000)
      System.out.printf(
          "writers fell behind the offered rate by up to %d ms (database-bound)%n", r.lateMillis);
  }

  static void machine() {
    System.out.printf(
        "machine: %d cores, Java %s%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
  }

  static String ms(double v) {
    if (Double.isNaN(v)) return "–";
    return v < 10 ? String.format(Locale.ROOT, "%.1f", v) : String.format(Locale.ROOT, "%.0f", v);
  }

  // --- helpers -------------------------------------------------------------------------------

  static void seed(String jdbcUrl, int skus) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement sku =
            c.prepareStatement(
                "INSERT INTO skus (sku, name, unit_price) VALUES (?, ?, 1.00) ON CONFLICT (sku) DO NOTHING");
        PreparedStatement level =
            c.prepareStatement(
                "INSERT INTO inventory_levels (sku, location_id, on_hand, reorder_point, safety_stock, max_stock)"
                    + " SELECT ?, id, 10000, 20, 5, 20000 FROM locations"
                    + " ON CONFLICT (sku, location_id) DO NOTHING")) {
      for (int i = 0; i < skus; i++) {
        String s = sku(i);
        sku.setString(1, s);
        sku.setString(2, "Benchmark SKU " + i);
        sku.executeUpdate();
        level.setString(1, s);
        level.executeUpdate();
      }
    }
  }

  private Map<String, Double> temporalCalls() {
    Map<String, Double> out = new TreeMap<>();
    for (Counter c : registry.find(TemporalFactory.CALLS).counters())
      out.merge(c.getId().getTag("method"), c.count(), Double::sum);
    return out;
  }

  private double processedTotal() {
    return processor.status().subprocessors().stream().mapToDouble(s -> s.processed()).sum();
  }

  static String sku(int i) {
    return String.format(Locale.ROOT, "%s%04d", PREFIX, i);
  }
}
