package io.stockflow.dev;

import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.consumer.HandledListener;
import java.time.Instant;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Exact commit-to-handled latencies, per subprocessor, of the changes of one topic committed since
 * a point in time (by their changefeed {@code updated}), as told by {@link HandledListener}.
 *
 * <p>Called on the subprocessors' own threads, so it must be cheap: one map lookup and an append to
 * a per-subprocessor {@code long[]} under that subprocessor's lock (threads of one subprocessor
 * rarely meet there; different subprocessors never do). Sorting happens once, at the end.
 */
final class HandledLatencies implements HandledListener {
  private final String topic;
  private final long fromWallNanos;
  private final Map<String, Samples> bySubprocessor = new ConcurrentHashMap<>();

  HandledLatencies(String topic, Instant from) {
    this.topic = topic;
    this.fromWallNanos = wallNanos(from);
  }

  @Override
  public void handled(String topic, String subprocessor, Hlc updated, Instant handledAt) {
    // Changes committed before the window (seeding, an earlier search step) are not ours.
    if (!this.topic.equals(topic) || updated.wallNanos() < fromWallNanos) return;
    long micros = (wallNanos(handledAt) - updated.wallNanos()) / 1000;
    // Database and consumer share this machine's clock; clamp a rounding-level negative anyway.
    bySubprocessor.computeIfAbsent(subprocessor, k -> new Samples()).add(Math.max(0, micros));
  }

  /** Changes of the window {@code subprocessor} has processed so far. */
  long count(String subprocessor) {
    Samples s = bySubprocessor.get(subprocessor);
    return s == null ? 0 : s.size();
  }

  /** Count and nearest-rank percentiles of what was recorded so far. */
  Summary summary(String subprocessor) {
    Samples s = bySubprocessor.get(subprocessor);
    long[] v = s == null ? new long[0] : s.copy();
    Arrays.sort(v);
    return new Summary(v.length, rank(v, 0.50), rank(v, 0.95), rank(v, 0.99), rank(v, 1.0));
  }

  private static double rank(long[] sorted, double q) {
    if (sorted.length == 0) return Double.NaN;
    int i = (int) Math.ceil(q * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000.0;
  }

  private static long wallNanos(Instant t) {
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }

  /** Latencies in milliseconds; NaN when nothing was recorded. */
  record Summary(long count, double p50, double p95, double p99, double max) {}

  /** A growable array of latency microseconds: no boxing, one allocation per doubling. */
  private static final class Samples {
    private long[] values = new long[4096];
    private int size;

    synchronized void add(long v) {
      if (size == values.length) values = Arrays.copyOf(values, size * 2);
      values[size++] = v;
    }

    synchronized int size() {
      return size;
    }

    synchronized long[] copy() {
      return Arrays.copyOf(values, size);
    }
  }
}
