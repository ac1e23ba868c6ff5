package io.stockflow.platform;

import io.stockflow.api.ops.OpsModels;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Recent rates of each lane, from readings of its counters (which only count up since the process
 * started): every {@link #recent} call keeps the reading, at most one per second per lane and none
 * older than the window, and compares the new one with the oldest it kept. No background sampling:
 * until a lane has been read twice at least a second apart there is no rate. Thread-safe.
 */
final class LaneRates {
  private static final long MIN_SPAN_NANOS = Duration.ofSeconds(1).toNanos();

  /** A lane's counters at one moment. */
  record Reading(long processed, long deadLettered, long latencyCount, double latencyTotalMillis) {}

  private record Kept(long nanos, Reading reading) {}

  private final long windowNanos;
  private final LongSupplier nanoClock;
  private final Map<String, Deque<Kept>> kept = new HashMap<>();

  LaneRates(Duration window, LongSupplier nanoClock) {
    this.windowNanos = window.toNanos();
    this.nanoClock = nanoClock;
  }

  /**
   * Records {@code now} for {@code lane} and returns the rates since the oldest reading within the
   * window, or null when there is none at least a second old.
   */
  synchronized OpsModels.LaneRecent recent(String lane, Reading now) {
    long t = nanoClock.getAsLong();
    Deque<Kept> readings = kept.computeIfAbsent(lane, k -> new ArrayDeque<>());
    while (!readings.isEmpty() && t - readings.peekFirst().nanos() > windowNanos)
      readings.removeFirst();
    if (readings.isEmpty() || t - readings.peekLast().nanos() >= MIN_SPAN_NANOS)
      readings.addLast(new Kept(t, now));
    Kept oldest = readings.peekFirst();
    long span = t - oldest.nanos();
    if (span < MIN_SPAN_NANOS) return null;
    double seconds = span / 1e9;
    Reading then = oldest.reading();
    long handled = now.latencyCount() - then.latencyCount();
    return new OpsModels.LaneRecent(
        seconds,
        (now.processed() - then.processed()) / seconds,
        (now.deadLettered() - then.deadLettered()) / seconds,
        handled == 0 ? null : (now.latencyTotalMillis() - then.latencyTotalMillis()) / handled);
  }
}
