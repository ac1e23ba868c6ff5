package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Hlc;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The resolved timestamps of one topic's assigned partitions. The feed's watermark is the minimum
 * over the assigned partitions, and unknown until each of them has delivered a resolved message:
 * only then is every change at or below it known to have arrived. Written by the topic's consumer
 * thread, readable from any thread (status, gauges).
 */
final class Watermark {
  private final Map<Integer, Optional<Hlc>> partitions = new ConcurrentHashMap<>();

  public void assigned(Collection<Integer> ps) {
    ps.forEach(p -> partitions.putIfAbsent(p, Optional.empty()));
  }

  /** Forgets partitions this consumer no longer owns. */
  public void revoked(Collection<Integer> ps) {
    ps.forEach(partitions::remove);
  }

  /** Records a resolved timestamp; it never moves a partition backwards. */
  public void resolved(int partition, Hlc hlc) {
    partitions.merge(
        partition,
        Optional.of(hlc),
        (old, neu) -> old.isPresent() && old.get().compareTo(hlc) >= 0 ? old : neu);
  }

  /** Min over assigned partitions; empty when none is assigned or one has no resolved yet. */
  public Optional<Hlc> current() {
    if (partitions.isEmpty()) return Optional.empty();
    Hlc min = null;
    for (Optional<Hlc> h : partitions.values()) {
      if (h.isEmpty()) return Optional.empty();
      if (min == null || h.get().compareTo(min) < 0) min = h.get();
    }
    return Optional.ofNullable(min);
  }

  /** Seconds from the watermark to now; NaN while it is unknown. */
  public double lagSeconds() {
    return current()
        .map(h -> Duration.between(h.toInstant(), Instant.now()).toNanos() / 1e9)
        .orElse(Double.NaN);
  }

  /** Per assigned partition, its latest resolved timestamp (null when none yet), sorted. */
  public Map<Integer, Hlc> perPartition() {
    Map<Integer, Hlc> copy = new TreeMap<>();
    partitions.forEach((p, h) -> copy.put(p, h.orElse(null)));
    return copy;
  }
}
