package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Subprocessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One subprocessor's independent lane on one topic: its own queue of consumed segments and its own
 * thread, so its speed, failures, pause or outage never hold back another subprocessor's lane. The
 * lane takes as many queued segments as {@code laneBatchRecords} allows, loads their fences in one
 * query, and hands them to its {@link Dispatcher} (filter, fence, park, defer, coalesce, process,
 * dead-letter, advance fences). Only then does it record, per partition, the offset it has
 * finished: the topic's consumer commits the minimum over all lanes, so a crash re-delivers and
 * never loses.
 *
 * <p>A batch that fails as a whole (database unreachable, or {@link OutageException}: a dependency
 * is down) is kept and retried with backoff from 1 s up to {@code outageBackoff}; meanwhile the
 * lane's queue fills and, at {@code laneCapacity}, the topic's consumer stops fetching.
 *
 * <p>Partitions carry an epoch per assignment: a segment consumed under an earlier assignment is
 * skipped (its new owner, maybe this consumer again from the committed offset, re-delivers it), and
 * the finished offset of a partition is recorded only for the current epoch. {@link #quiesce()}
 * lets a rebalance wait for the attempt in flight, never for a backoff.
 *
 * <p>Threading: {@link #run()} on the lane's thread; {@link #offer}, {@link #assigned}, {@link
 * #quiesce}, {@link #forget}, {@link #finished} and the status getters from the consumer thread.
 */
final class Lane implements Runnable {
  private static final Logger log = LoggerFactory.getLogger(Lane.class);
  private static final int SWEEP_PAGE = 500;
  private static final Duration TAKE_WAIT = Duration.ofMillis(100);
  private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

  /** Where one partition's records of a segment end, and under which assignment they came. */
  record End(long epoch, long next) {}

  /**
   * One poll's changes, in partition order, with the offset after the last record of each polled
   * partition (resolved and undecodable records included).
   */
  record Segment(List<Delivery> changes, Map<Integer, End> ends, int records, long polledAtNanos) {}

  private final String topic;
  private final Subprocessor subprocessor;
  private final Dispatcher dispatcher;
  private final Fences fences;
  private final ParkedLetters parkedLetters;
  private final LaneContext context;
  private final int batchRecords;
  private final Duration maxBackoff;

  private final LinkedBlockingDeque<Segment> queue = new LinkedBlockingDeque<>();
  private final AtomicLong queuedRecords = new AtomicLong();

  /** Held for one attempt at a batch (and a sweep page); a rebalance waits for it. */
  private final ReentrantLock attempt = new ReentrantLock();

  /** Guards {@link #done} and {@link #deferred}, which the consumer thread reads to commit. */
  private final Object state = new Object();

  private final Map<Integer, Long> done = new HashMap<>();
  private final Map<Integer, TreeMap<Long, Delivery>> deferred = new HashMap<>();

  private final AtomicLong sweepRequests = new AtomicLong();
  private long sweptRequests;

  private volatile boolean running = true;
  private volatile Throwable died;
  private volatile Instant failingSince;
  private volatile String lastFailure;
  private volatile long lastLatencyMillis = -1;
  private volatile long handledSegments;

  Lane(
      String topic,
      Subprocessor subprocessor,
      Dispatcher dispatcher,
      Fences fences,
      ParkedLetters parkedLetters,
      LaneContext context,
      int batchRecords,
      Duration maxBackoff) {
    this.topic = topic;
    this.subprocessor = subprocessor;
    this.dispatcher = dispatcher;
    this.fences = fences;
    this.parkedLetters = parkedLetters;
    this.context = context;
    this.batchRecords = batchRecords;
    this.maxBackoff = maxBackoff;
  }

  String name() {
    return subprocessor.name();
  }

  /** Queues a segment for this lane; never blocks (the consumer bounds the queue by pausing). */
  void offer(Segment s) {
    queuedRecords.addAndGet(s.records());
    queue.add(s);
  }

  /** What ended the lane's thread unexpectedly, or null. */
  Throwable died() {
    return died;
  }

  /** Records consumed and not yet handled by this lane. */
  long queuedRecords() {
    return queuedRecords.get();
  }

  /** Changes held until the watermark passes them. */
  long deferredCount() {
    synchronized (state) {
      return deferred.values().stream().mapToLong(TreeMap::size).sum();
    }
  }

  /** Since when the lane's batches fail as a whole (outage), or null. */
  Instant failingSince() {
    return failingSince;
  }

  String lastFailure() {
    return failingSince == null ? null : lastFailure;
  }

  /** Commit-to-handled of the newest change of the last handled batch; -1 before the first. */
  long lastLatencyMillis() {
    return lastLatencyMillis;
  }

  /** Asks the lane to re-drive its parked letters before it handles live changes again. */
  void requestSweep() {
    sweepRequests.incrementAndGet();
  }

  /** A partition was assigned at {@code position}: the lane has finished everything before it. */
  void assigned(int partition, long position) {
    synchronized (state) {
      done.put(partition, position);
      deferred.remove(partition);
    }
  }

  /** Waits until no attempt is in flight (a backoff does not count); the caller's epochs moved. */
  void quiesce() {
    attempt.lock();
    attempt.unlock();
  }

  /** Drops what the lane knows of revoked partitions. */
  void forget(Collection<Integer> partitions) {
    synchronized (state) {
      partitions.forEach(done::remove);
      partitions.forEach(deferred::remove);
    }
  }

  /**
   * The offset up to which this lane has handled {@code partition} (its next unhandled offset), or
   * null when it knows nothing of it.
   */
  Long finished(int partition) {
    synchronized (state) {
      Long d = done.get(partition);
      TreeMap<Long, Delivery> held = deferred.get(partition);
      if (d == null || held == null || held.isEmpty()) return d;
      return Math.min(d, held.firstKey());
    }
  }

  /** Ends the loop after the attempt in flight; queued segments are left for re-delivery. */
  void stop() {
    running = false;
  }

  @Override
  public void run() {
    MDC.put("topic", topic);
    MDC.put("subprocessor", subprocessor.name());
    try {
      while (running) {
        // Re-drive parked letters as soon as the subprocessor is back, even without new changes.
        if (sweepPending() && !context.paused(subprocessor.name())) handle(List.of());
        releaseDeferred();
        List<Segment> segments = take();
        if (!segments.isEmpty()) handle(segments);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      // Out of memory, say: nothing of the batch in flight counts as finished, so nothing of it is
      // committed; the topic's consumer sees the death and is restarted.
      log.error("lane '{}' on {} died", subprocessor.name(), topic, e);
      died = e;
    } finally {
      dispatcher.close();
      MDC.clear();
    }
  }

  /**
   * The next batch: the queued segments up to {@code laneBatchRecords}; a batch subprocessor with a
   * {@link Subprocessor#batchLinger()} waits for more until its oldest change is that old (segments
   * of resolved timestamps only never wait: there is nothing to gather for them).
   */
  private List<Segment> take() throws InterruptedException {
    Segment first = queue.poll(TAKE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
    if (first == null) return List.of();
    List<Segment> taken = new ArrayList<>();
    taken.add(first);
    int records = first.records();
    long linger = subprocessor.maxBatchSize() > 1 ? subprocessor.batchLinger().toNanos() : 0;
    Long oldestChange = first.changes().isEmpty() ? null : first.polledAtNanos();
    while (records < batchRecords && running) {
      Segment next = queue.poll();
      if (next == null) {
        long wait =
            oldestChange == null || linger == 0
                ? 0
                : Math.min(oldestChange + linger - System.nanoTime(), TAKE_WAIT.toNanos());
        if (wait <= 0) break;
        next = queue.poll(wait, TimeUnit.NANOSECONDS);
        if (next == null) continue;
      }
      if (records + next.records() > batchRecords) {
        queue.offerFirst(next); // starts the next batch
        break;
      }
      taken.add(next);
      records += next.records();
      if (oldestChange == null && !next.changes().isEmpty()) oldestChange = next.polledAtNanos();
    }
    return taken;
  }

  /** Handles the segments, retrying the whole batch with backoff while it fails as a whole. */
  private void handle(List<Segment> segments) throws InterruptedException {
    int records = segments.stream().mapToInt(Segment::records).sum();
    for (int failures = 0; running; failures++) {
      attempt.lock();
      try {
        // Read the switch once, before the sweep: the consumer thread asks for the sweep before it
        // publishes a resume, so "not paused" here means any resume's sweep is visible below, and
        // a resume after this read finds these changes parked, behind the letters it re-drives.
        boolean paused = context.paused(subprocessor.name());
        if (!paused) sweep();
        List<Delivery> live = new ArrayList<>();
        for (Segment s : segments)
          for (Delivery d : s.changes()) if (current(s, d.event().partition())) live.add(d);
        dispatch(live, true, paused);
        markDone(segments);
        if (failingSince != null)
          log.info(
              "lane '{}' on {} recovered after {} s",
              subprocessor.name(),
              topic,
              Duration.between(failingSince, Instant.now()).toSeconds());
        failingSince = null;
        queuedRecords.addAndGet(-records);
        return;
      } catch (RuntimeException | Error e) {
        if (e instanceof VirtualMachineError vme && !(e instanceof StackOverflowError)) throw vme;
        if (failingSince == null) failingSince = Instant.now();
        lastFailure = e.toString();
        Duration wait = backoff(failures);
        log.warn(
            "lane '{}' on {}: batch of {} records failed as a whole ({}); nothing is dead-lettered"
                + " or committed, retrying in {} s",
            subprocessor.name(),
            topic,
            records,
            e.toString(),
            wait.toSeconds(),
            e instanceof OutageException ? null : e);
      } finally {
        attempt.unlock();
      }
      sleep(backoff(failures));
    }
    // Stopped while failing: the segments stay unfinished, so their offsets are not committed.
  }

  private Duration backoff(int failures) {
    long ms = FIRST_BACKOFF.toMillis() << Math.min(failures, 10);
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }

  private void sleep(Duration d) throws InterruptedException {
    long until = System.nanoTime() + d.toNanos();
    while (running && System.nanoTime() < until) Thread.sleep(Math.min(100, d.toMillis()));
  }

  private boolean current(Segment s, int partition) {
    End end = s.ends().get(partition);
    Long epoch = context.epoch(partition);
    return end != null && epoch != null && epoch == end.epoch();
  }

  private void markDone(List<Segment> segments) {
    synchronized (state) {
      for (Segment s : segments)
        s.ends()
            .forEach(
                (p, end) -> {
                  Long epoch = context.epoch(p);
                  if (epoch != null && epoch == end.epoch()) done.merge(p, end.next(), Math::max);
                });
      handledSegments += segments.size();
    }
  }

  /**
   * Loads the fences of the changes' keys in one query and dispatches them; deferred changes are
   * kept until the watermark passes them.
   */
  private void dispatch(List<Delivery> changes, boolean mayDefer, boolean paused) {
    if (changes.isEmpty()) return;
    // Fences only of the rows the subprocessor wants: a lane that filters most changes out
    // (restock,
    // alerts) then costs no query for them. shouldProcess is cheap and side-effect free by
    // contract.
    Set<String> keys = new HashSet<>();
    for (Delivery d : changes) {
      if (dispatcher.skipsBackfill(d.event())) continue;
      boolean wanted;
      try {
        wanted = subprocessor.shouldProcess(d.event());
      } catch (RuntimeException e) {
        wanted = true; // the dispatcher dead-letters it
      }
      if (wanted) keys.add(d.event().keyString());
    }
    Map<Fences.Key, Hlc> stored =
        keys.isEmpty() ? Map.of() : fences.load(topic, Set.of(subprocessor.name()), keys);
    Hlc wm = context.watermark().current().orElse(null);
    List<Delivery> held = dispatcher.dispatch(changes, stored, paused, wm, mayDefer);
    Hlc newest = null;
    for (Delivery d : changes)
      if (newest == null || d.event().updated().compareTo(newest) > 0) newest = d.event().updated();
    if (newest != null)
      lastLatencyMillis =
          Math.max(0, Duration.between(newest.toInstant(), Instant.now()).toMillis());
    if (held.isEmpty()) return;
    synchronized (state) {
      for (Delivery d : held) {
        int p = d.event().partition();
        if (context.epoch(p) == null) continue; // revoked meanwhile: its new owner re-delivers
        deferred.computeIfAbsent(p, k -> new TreeMap<>()).put(d.event().offset(), d);
      }
    }
  }

  /** Hands the held changes the watermark has passed to the subprocessor. */
  private void releaseDeferred() throws InterruptedException {
    if (!subprocessor.awaitResolved()) return;
    Hlc wm = context.watermark().current().orElse(null);
    if (wm == null) return;
    for (int failures = 0; running; failures++) {
      attempt.lock();
      try {
        List<Delivery> ready = new ArrayList<>();
        synchronized (state) {
          for (TreeMap<Long, Delivery> held : deferred.values())
            for (Delivery d : held.values())
              if (d.event().updated().compareTo(wm) <= 0) ready.add(d);
        }
        if (ready.isEmpty()) return;
        boolean paused = context.paused(subprocessor.name());
        if (!paused) sweep();
        dispatch(ready, false, paused);
        synchronized (state) {
          for (Delivery d : ready) {
            TreeMap<Long, Delivery> held = deferred.get(d.event().partition());
            if (held != null) held.remove(d.event().offset());
          }
        }
        return;
      } catch (RuntimeException e) {
        log.warn(
            "lane '{}' on {}: releasing held changes failed ({}); retrying",
            subprocessor.name(),
            topic,
            e.toString());
      } finally {
        attempt.unlock();
      }
      sleep(backoff(failures));
    }
  }

  private boolean sweepPending() {
    return sweepRequests.get() > sweptRequests;
  }

  /**
   * Re-drives the letters parked while the subprocessor was paused, on the consumer's partitions,
   * in source order, before the lane hands it live changes again: per-partition order holds. Called
   * within an attempt; a failure (or an outage) fails the attempt, which is retried.
   */
  private void sweep() {
    if (!sweepPending()) return;
    long requests = sweepRequests.get();
    while (running) {
      int redriven =
          parkedLetters.redrivePage(topic, subprocessor.name(), context.assigned(), SWEEP_PAGE);
      if (redriven > 0)
        log.info("re-drove {} parked changes of '{}' on {}", redriven, name(), topic);
      if (redriven < SWEEP_PAGE) {
        sweptRequests = requests;
        return;
      }
    }
    // Stopping half-way: live changes must not overtake the letters not yet re-driven.
    throw new IllegalStateException("lane stopped during its sweep of parked changes");
  }

  /** What the lane shares with its topic's consumer: epochs, pause switches, the watermark. */
  interface LaneContext {
    /** The current assignment epoch of the partition, null when it is not assigned. */
    Long epoch(int partition);

    boolean paused(String subprocessor);

    Set<Integer> assigned();

    Watermark watermark();
  }
}
