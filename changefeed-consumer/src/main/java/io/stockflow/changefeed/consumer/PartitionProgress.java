package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.dispatch.Delivery;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeMap;

/**
 * Offset bookkeeping of one assigned partition. The offset that may be committed is the one after
 * the last record of the consumed batches, held back to the oldest change still deferred for a
 * subprocessor waiting on the watermark: a commit never passes a change some subprocessor has not
 * handled. Consumer thread only.
 */
final class PartitionProgress {
  /** A change deferred for the named subprocessors until the watermark passes it. */
  record Deferred(Delivery delivery, Set<String> waiting) {}

  /** The offset last committed (or the position at assignment). */
  long committed;

  /** The offset after the last consumed record; equals {@link #committed} until a batch arrives. */
  long next;

  final TreeMap<Long, Deferred> deferred = new TreeMap<>();

  PartitionProgress(long position) {
    this.committed = position;
    this.next = position;
  }

  void defer(Delivery d, String subprocessor) {
    deferred
        .computeIfAbsent(d.event().offset(), o -> new Deferred(d, new LinkedHashSet<>()))
        .waiting()
        .add(subprocessor);
  }

  long committable() {
    return deferred.isEmpty() ? next : Math.min(next, deferred.firstKey());
  }

  /** Forgets everything consumed since the last commit (the caller seeks back to it). */
  void rewind() {
    deferred.clear();
    next = committed;
  }
}
