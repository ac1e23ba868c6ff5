package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;
import io.stockflow.changefeed.Subprocessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Hands one batch of changes to one subprocessor on one topic:
 *
 * <ol>
 *   <li>backfills ({@link Operation#BACKFILL}) are skipped unless the subprocessor {@link
 *       Subprocessor#receivesBackfill() receives} them — counted as skipped-backfill;
 *   <li>{@code shouldProcess} filters (a throw dead-letters the change at once);
 *   <li>the HLC fence skips changes at or below the highest handled {@code updated} of their key
 *       (stored, or seen earlier in the batch) — counted as skipped-stale;
 *   <li>a paused subprocessor's changes are parked as dead letters (reason {@code paused});
 *   <li>an {@link Subprocessor#awaitResolved()} subprocessor's changes above the watermark are
 *       handed back as deferred;
 *   <li>coalescing keeps the newest change per non-null {@link Subprocessor#coalescingKey};
 *   <li>the rest are split into {@link OrderingGroups} (per coalescing key, else per row) that run
 *       concurrently on up to {@code concurrency} threads, each group's changes one after another
 *       in batch order, each change with retries; failures are dead-lettered and the group goes on
 *       with its next change;
 *   <li>once every group has finished, the dead letters are written and the fences of everything
 *       handled, coalesced or dead-lettered advance in one statement.
 * </ol>
 *
 * If a group fails unexpectedly (an {@link Error} out of {@code process}, say) or the calling
 * thread is interrupted, no group starts another change, the call waits for the changes in flight
 * and then throws without writing dead letters or advancing fences: the caller rewinds the batch.
 *
 * <p>With tracing on, each {@code process}/{@code processBatch} call runs inside its span ({@link
 * ChangeTracing}), a child of the change's receive span.
 *
 * <p>Not thread-safe: one instance per (topic, subprocessor), called from that subprocessor's lane
 * thread only. A subprocessor with {@link Subprocessor#maxBatchSize()} above 1 gets its survivors
 * in chunks through {@link Subprocessor#processBatch} on the lane thread instead of groups. Owns a
 * pool of named threads ({@code changefeed-<topic>-<subprocessor>-<n>}, none when {@code
 * concurrency} is 1), started on demand, ended when idle and by {@link #close()}.
 */
final class Dispatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);
  private static final Duration IDLE_THREAD_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final String topic;
  private final Subprocessor subprocessor;
  private final Fences fences;
  private final SubprocessorInvoker invoker;
  private final DeadLetterSink deadLetters;
  private final ChangefeedMetrics metrics;
  private final ChangeTracing tracing;

  /**
   * Per surviving change of the running dispatch, the changes coalesced into it; filled only when
   * tracing (their spans are linked from the survivor's process span).
   */
  private Map<Delivery, List<Delivery>> absorbedInto = Map.of();

  /** Runs the groups of a batch; null when the concurrency is 1. */
  private final ThreadPoolExecutor pool;

  /**
   * @param concurrency how many groups may run at once; 1 processes the batch in order on the
   *     calling thread
   */
  public Dispatcher(
      String topic,
      Subprocessor subprocessor,
      Fences fences,
      SubprocessorInvoker invoker,
      DeadLetterSink deadLetters,
      ChangefeedMetrics metrics,
      ChangeTracing tracing,
      int concurrency) {
    this.topic = Objects.requireNonNull(topic, "topic");
    this.subprocessor = Objects.requireNonNull(subprocessor, "subprocessor");
    this.fences = fences;
    this.invoker = invoker;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    this.tracing = Objects.requireNonNull(tracing, "tracing");
    if (concurrency < 1) throw new IllegalArgumentException("concurrency must be >= 1");
    this.pool = concurrency == 1 ? null : newPool(topic, subprocessor.name(), concurrency);
  }

  private static ThreadPoolExecutor newPool(String topic, String name, int threads) {
    String prefix = "changefeed-" + topic + "-" + name + "-";
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor p =
        new ThreadPoolExecutor(
            threads,
            threads,
            IDLE_THREAD_TIMEOUT.toMillis(),
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(), // at most one task per group of a batch
            r -> new Thread(r, prefix + n.incrementAndGet()));
    p.allowCoreThreadTimeOut(true);
    return p;
  }

  public Subprocessor subprocessor() {
    return subprocessor;
  }

  /**
   * A row re-emitted without a data change that this subprocessor has not opted in to: skipped
   * without being handled, so its fence stays; its offset completes with its segment.
   */
  boolean skipsBackfill(ChangeEvent e) {
    return e.operation() == Operation.BACKFILL && !subprocessor.receivesBackfill();
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
      Map<Fences.Key, Hlc> stored,
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
      if (skipsBackfill(e)) {
        metrics.skippedBackfill(topic, name);
        log.debug("skipped backfill {}/{}@{} for '{}'", topic, e.partition(), e.offset(), name);
        continue;
      }
      String key = e.keyString();
      Hlc fence = max(stored.get(new Fences.Key(name, key)), seen.get(key));
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

    List<Delivery> survivors = coalesce(accepted, handled);
    Failure[] failures = processAll(survivors);
    // Merging with max is order-independent: the fences are right however the groups finished.
    for (int i = 0; i < survivors.size(); i++) {
      Delivery d = survivors.get(i);
      if (failures[i] != null) letters.add(letter(d, failures[i]));
      handled.merge(d.event().keyString(), d.event().updated(), Dispatcher::max);
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
    absorbedInto = Map.of();
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
      String k = subprocessor.coalescingKey(d.event());
      if (k == null || winners.contains(d)) survivors.add(d);
      else {
        absorbed++;
        handled.merge(d.event().keyString(), d.event().updated(), Dispatcher::max);
        if (tracing.enabled()) {
          if (absorbedInto.isEmpty()) absorbedInto = new IdentityHashMap<>();
          absorbedInto.computeIfAbsent(newest.get(k), w -> new ArrayList<>()).add(d);
        }
      }
    }
    if (absorbed > 0) metrics.coalesced(topic, subprocessor.name(), absorbed);
    return survivors;
  }

  /**
   * Processes {@code survivors}: in order on this thread when the concurrency is 1, else group by
   * group on the pool (even a single group, so {@code process} always runs on the same named
   * threads). Returns, per survivor, null when it was processed or the failure to dead-letter.
   *
   * @throws RuntimeException or {@link Error} when a group failed unexpectedly or this thread was
   *     interrupted — only after no group runs any more
   */
  private Failure[] processAll(List<Delivery> survivors) {
    Failure[] failures = new Failure[survivors.size()];
    if (survivors.isEmpty()) return failures;
    if (subprocessor.maxBatchSize() > 1) return processInChunks(survivors, failures);
    if (pool == null) { // concurrency 1: the whole share in batch order, on this thread
      for (int i = 0; i < survivors.size(); i++) failures[i] = processOne(survivors.get(i));
      return failures;
    }
    List<List<Integer>> groups =
        OrderingGroups.of(
            IntStream.range(0, survivors.size()).boxed().toList(),
            i -> survivors.get(i).event().keyString(),
            i -> subprocessor.coalescingKey(survivors.get(i).event()));

    AtomicBoolean abort = new AtomicBoolean();
    List<Future<?>> running = new ArrayList<>(groups.size());
    Throwable failure = null;
    try {
      for (List<Integer> group : groups)
        running.add(
            pool.submit(
                () -> {
                  for (int i : group) {
                    if (abort.get()) return; // the batch is given up; leave the rest
                    // Each slot is written by one task; Future.get() publishes it to this thread.
                    failures[i] = processOne(survivors.get(i));
                  }
                }));
    } catch (RejectedExecutionException e) { // closed under us
      abort.set(true);
      failure = new IllegalStateException("dispatcher of '" + subprocessor.name() + "' closed", e);
    }
    boolean interrupted = false;
    // Wait for every submitted group, even after a failure: nothing of this batch may still run
    // when the caller commits, rewinds or hands in the next batch (that would break key order).
    for (Future<?> f : running) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true;
          abort.set(true);
        } catch (ExecutionException e) {
          abort.set(true);
          if (failure == null) failure = e.getCause();
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
      if (failure == null)
        failure =
            new IllegalStateException(
                "interrupted while subprocessor '" + subprocessor.name() + "' ran a batch");
    }
    if (failure instanceof RuntimeException re) throw re;
    if (failure instanceof Error err) throw err;
    if (failure != null) throw new IllegalStateException(failure);
    return failures;
  }

  /**
   * The batch path: chunks of at most {@link Subprocessor#maxBatchSize()} changes, one after
   * another in batch order on this thread. A chunk that still fails after its retries is handled
   * again one change at a time, so only the changes that fail on their own are dead-lettered.
   */
  private Failure[] processInChunks(List<Delivery> survivors, Failure[] failures) {
    int max = subprocessor.maxBatchSize();
    for (int from = 0; from < survivors.size(); from += max) {
      List<Delivery> chunk = survivors.subList(from, Math.min(survivors.size(), from + max));
      List<ChangeEvent> events = chunk.stream().map(Delivery::event).toList();
      MDC.put("subprocessor", subprocessor.name());
      Failure failed;
      try {
        failed =
            tracing.processBatch(
                subprocessor.name(), chunk, () -> invoker.invokeBatch(subprocessor, topic, events));
      } finally {
        MDC.remove("subprocessor");
      }
      if (failed == null) {
        for (ChangeEvent e : events) metrics.processed(topic, subprocessor.name(), e.updated());
        continue;
      }
      log.warn(
          "batch of {} changes failed in '{}' on {} ({}); handling them one at a time",
          chunk.size(),
          subprocessor.name(),
          topic,
          failed.errorMessage());
      for (int i = 0; i < chunk.size(); i++) failures[from + i] = processOne(chunk.get(i));
    }
    return failures;
  }

  /**
   * One change with retries; null when processed, else the failure to dead-letter.
   *
   * @throws OutageException when it still fails and the failure is an outage
   */
  private Failure processOne(Delivery d) {
    ChangeEvent e = d.event();
    Failure[] out = new Failure[1];
    withMdc(
        e,
        () -> {
          out[0] =
              tracing.process(
                  subprocessor.name(),
                  d,
                  absorbedInto.getOrDefault(d, List.of()),
                  () -> invoker.invokeLive(subprocessor, e));
          if (out[0] == null) metrics.processed(topic, subprocessor.name(), e.updated());
        });
    return out[0];
  }

  /** Stops the pool's threads; call when no {@link #dispatch} runs any more. Idempotent. */
  @Override
  public void close() {
    if (pool == null) return;
    pool.shutdown();
    try {
      if (!pool.awaitTermination(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS))
        log.warn(
            "threads of subprocessor '{}' on {} still busy after {} s",
            subprocessor.name(),
            topic,
            CLOSE_WAIT.toSeconds());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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
