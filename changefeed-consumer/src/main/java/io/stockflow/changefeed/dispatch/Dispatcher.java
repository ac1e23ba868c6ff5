package io.stockflow.changefeed.dispatch;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.deadletter.DeadLetterWriter;
import io.stockflow.changefeed.deadletter.Failure;
import io.stockflow.changefeed.fence.FenceStore;
import io.stockflow.changefeed.metrics.ChangefeedMetrics;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Hands one batch of changes to one subprocessor on one topic:
 *
 * <ol>
 *   <li>{@code shouldProcess} filters (a throw dead-letters the change at once);
 *   <li>the HLC fence skips changes at or below the highest handled {@code updated} of their key
 *       (stored, or seen earlier in the batch) — counted as skipped-stale;
 *   <li>a paused subprocessor's changes are parked as dead letters (reason {@code paused});
 *   <li>an {@link Subprocessor#awaitResolved()} subprocessor's changes above the watermark are
 *       handed back as deferred;
 *   <li>coalescing keeps the newest change per non-null {@link Subprocessor#coalescingKey};
 *   <li>the rest are processed in order with retries; failures are dead-lettered;
 *   <li>the fences of everything handled, coalesced or dead-lettered advance in one statement.
 * </ol>
 *
 * Not thread-safe: one instance per (topic, subprocessor), called from that subprocessor's worker
 * thread only.
 */
public final class Dispatcher {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

  private final String topic;
  private final Subprocessor subprocessor;
  private final FenceStore fences;
  private final SubprocessorInvoker invoker;
  private final DeadLetterWriter deadLetters;
  private final ChangefeedMetrics metrics;

  public Dispatcher(
      String topic,
      Subprocessor subprocessor,
      FenceStore fences,
      SubprocessorInvoker invoker,
      DeadLetterWriter deadLetters,
      ChangefeedMetrics metrics) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.subprocessor = Objects.requireNonNull(subprocessor, "subprocessor");
    this.fences = fences;
    this.invoker = invoker;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
  }

  public Subprocessor subprocessor() {
    return subprocessor;
  }

  /**
   * @param batch changes in partition order (partitions may interleave)
   * @param stored fences loaded for this batch; keys of other subprocessors are ignored
   * @param paused whether the subprocessor is paused now
   * @param watermark the feed's watermark, null when not known yet
   * @param mayDefer false for changes already deferred once and now released
   * @return the changes deferred until the watermark passes them, in batch order
   */
  public List<Delivery> dispatch(
      List<Delivery> batch,
      Map<FenceStore.Key, Hlc> stored,
      boolean paused,
      Hlc watermark,
      boolean mayDefer) {
    String name = subprocessor.name();
    Map<String, Hlc> seen = new HashMap<>();
    Map<String, Hlc> handled = new HashMap<>();
    List<Delivery> accepted = new ArrayList<>();
    List<DeadLetterWriter.Letter> letters = new ArrayList<>();
    for (Delivery d : batch) {
      ChangeEvent e = d.event();
      String key = e.keyString();
      Hlc fence = max(stored.get(new FenceStore.Key(name, key)), seen.get(key));
      if (fence != null && e.updated().compareTo(fence) <= 0) {
        metrics.skippedStale(topic, name);
        log.debug(
            "skipped stale {}/{}@{} for '{}' (fence {})",
            topic,
            e.partition(),
            e.offset(),
            name,
            fence);
        continue;
      }
      boolean wanted;
      try {
        wanted = subprocessor.shouldProcess(e);
      } catch (RuntimeException ex) {
        Instant now = Instant.now();
        letters.add(letter(d, Failure.of(ex, 0, now, now)));
        handled.merge(key, e.updated(), Dispatcher::max);
        continue;
      }
      if (!wanted) continue;
      seen.put(key, e.updated());
      accepted.add(d);
    }

    List<Delivery> deferred = new ArrayList<>();
    if (paused) {
      Instant now = Instant.now();
      for (Delivery d : accepted) {
        letters.add(letter(d, Failure.paused(name, now)));
        handled.merge(d.event().keyString(), d.event().updated(), Dispatcher::max);
      }
      accepted = List.of();
    } else if (mayDefer && subprocessor.awaitResolved()) {
      List<Delivery> ready = new ArrayList<>();
      for (Delivery d : accepted) {
        if (watermark != null && d.event().updated().compareTo(watermark) <= 0) ready.add(d);
        else deferred.add(d);
      }
      accepted = ready;
    }

    for (Delivery d : coalesce(accepted, handled)) {
      ChangeEvent e = d.event();
      withMdc(
          e,
          () -> {
            Failure failure = invoker.invoke(subprocessor, e);
            if (failure == null) metrics.processed(topic, name, e.updated());
            else letters.add(letter(d, failure));
          });
      handled.merge(e.keyString(), e.updated(), Dispatcher::max);
    }

    // Dead letters are durable before the fences move and long before the offset is committed.
    deadLetters.writeAll(letters);
    for (DeadLetterWriter.Letter l : letters)
      metrics.deadLettered(
          topic,
          name,
          l.failure().isPaused()
              ? ChangefeedMetrics.Reason.PAUSED
              : ChangefeedMetrics.Reason.FAILURE);
    fences.advance(topic, name, handled);
    return deferred;
  }

  /**
   * Keeps, per non-null coalescing key, only the newest change (by {@code updated}; the later one
   * on a tie); the others count as handled. Order of the survivors is kept.
   */
  private List<Delivery> coalesce(List<Delivery> accepted, Map<String, Hlc> handled) {
    Map<String, Delivery> newest = new LinkedHashMap<>();
    for (Delivery d : accepted) {
      String k = subprocessor.coalescingKey(d.event());
      if (k == null) continue;
      newest.merge(k, d, (a, b) -> b.event().updated().compareTo(a.event().updated()) >= 0 ? b : a);
    }
    if (newest.isEmpty()) return accepted;
    Set<Delivery> winners = java.util.Collections.newSetFromMap(new IdentityHashMap<>());
    winners.addAll(newest.values());
    List<Delivery> survivors = new ArrayList<>();
    int absorbed = 0;
    for (Delivery d : accepted) {
      if (subprocessor.coalescingKey(d.event()) == null || winners.contains(d)) survivors.add(d);
      else {
        absorbed++;
        handled.merge(d.event().keyString(), d.event().updated(), Dispatcher::max);
      }
    }
    if (absorbed > 0) metrics.coalesced(topic, subprocessor.name(), absorbed);
    return survivors;
  }

  private DeadLetterWriter.Letter letter(Delivery d, Failure f) {
    ChangeEvent e = d.event();
    return new DeadLetterWriter.Letter(
        e.topic(), e.partition(), e.offset(), d.rawKey(), d.rawValue(), subprocessor.name(), f);
  }

  private void withMdc(ChangeEvent e, Runnable work) {
    MDC.put("topic", e.topic());
    MDC.put("partition", Integer.toString(e.partition()));
    MDC.put("offset", Long.toString(e.offset()));
    MDC.put("key", e.keyString());
    MDC.put("subprocessor", subprocessor.name());
    try {
      work.run();
    } finally {
      MDC.remove("topic");
      MDC.remove("partition");
      MDC.remove("offset");
      MDC.remove("key");
      MDC.remove("subprocessor");
    }
  }

  static Hlc max(Hlc a, Hlc b) {
    if (a == null) return b;
    if (b == null) return a;
    return a.compareTo(b) >= 0 ? a : b;
  }
}
