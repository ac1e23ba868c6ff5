package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import java.net.ConnectException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * A test subprocessor that records every change it handles; can be made to fail on demand, to take
 * a random little while per call, and tracks how many calls are in flight at once.
 */
final class RecordingSubprocessor implements Subprocessor {
  private final String name;
  private Predicate<ChangeEvent> filter = e -> true;
  private Function<ChangeEvent, String> coalescingKey = e -> null;
  private boolean awaitResolved;
  private boolean receivesBackfill;
  private Predicate<ChangeEvent> failWhen = e -> false;
  private int maxDelayMillis;
  private CountDownLatch gate;
  private int maxBatchSize = 1;
  final List<Integer> batchSizes = new CopyOnWriteArrayList<>();

  /** While true every call throws an {@link OutOfMemoryError} (a JVM in trouble). */
  final AtomicBoolean crash = new AtomicBoolean();

  /** Runs inside every successful call, before it returns (e.g. to race a concurrent resolve). */
  volatile java.util.function.Consumer<ChangeEvent> during = e -> {};

  /** While true every attempt fails with a refused connection, i.e. an outage. */
  final AtomicBoolean outage = new AtomicBoolean();

  final List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
  final AtomicBoolean failing = new AtomicBoolean();
  final AtomicInteger calls = new AtomicInteger();

  /** {@code process} calls running right now, and the most there ever were at once. */
  final AtomicInteger inFlight = new AtomicInteger();

  final AtomicInteger maxInFlight = new AtomicInteger();

  /** Names of the threads {@code process} ran on. */
  final Set<String> threads = ConcurrentHashMap.newKeySet();

  RecordingSubprocessor(String name) {
    this.name = name;
  }

  RecordingSubprocessor filter(Predicate<ChangeEvent> f) {
    this.filter = f;
    return this;
  }

  RecordingSubprocessor coalesceBy(Function<ChangeEvent, String> key) {
    this.coalescingKey = key;
    return this;
  }

  /** Sleeps a random 0..{@code maxMillis} ms in every call, like a network round trip. */
  RecordingSubprocessor slow(int maxMillis) {
    this.maxDelayMillis = maxMillis;
    return this;
  }

  /** Fails every attempt at a change that matches (besides {@link #failing}). */
  RecordingSubprocessor failWhen(Predicate<ChangeEvent> p) {
    this.failWhen = p;
    return this;
  }

  /** Every call waits until {@code latch} is open (a subprocessor stuck downstream). */
  RecordingSubprocessor gate(CountDownLatch latch) {
    this.gate = latch;
    return this;
  }

  /** Handles changes in batches of up to {@code max} ({@link #processBatch}). */
  RecordingSubprocessor batches(int max) {
    this.maxBatchSize = max;
    return this;
  }

  RecordingSubprocessor awaitingResolved() {
    this.awaitResolved = true;
    return this;
  }

  /** Opts in to rows re-emitted without a data change (a schema-change backfill). */
  RecordingSubprocessor receivingBackfill() {
    this.receivesBackfill = true;
    return this;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean shouldProcess(ChangeEvent event) {
    return filter.test(event);
  }

  @Override
  public void process(ChangeEvent event) throws InterruptedException, ConnectException {
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    try {
      calls.incrementAndGet();
      threads.add(Thread.currentThread().getName());
      if (gate != null) gate.await();
      if (maxDelayMillis > 0) Thread.sleep(ThreadLocalRandom.current().nextInt(maxDelayMillis + 1));
      if (crash.get()) throw new OutOfMemoryError("simulated, in " + name);
      if (outage.get())
        throw new ConnectException("Connection refused (downstream of " + name + ")");
      if (failing.get() || failWhen.test(event))
        throw new IllegalStateException("downstream of " + name + " is down");
      during.accept(event);
      seen.add(event);
    } finally {
      inFlight.decrementAndGet();
    }
  }

  @Override
  public int maxBatchSize() {
    return maxBatchSize;
  }

  /** All or nothing, like one multi-row insert: a failing change fails the whole batch. */
  @Override
  public void processBatch(List<ChangeEvent> events) throws Exception {
    calls.incrementAndGet();
    threads.add(Thread.currentThread().getName());
    if (gate != null) gate.await();
    if (outage.get()) throw new ConnectException("Connection refused (downstream of " + name + ")");
    for (ChangeEvent e : events)
      if (failing.get() || failWhen.test(e))
        throw new IllegalStateException("downstream of " + name + " refused " + e.keyString());
    batchSizes.add(events.size());
    seen.addAll(events);
  }

  @Override
  public boolean awaitResolved() {
    return awaitResolved;
  }

  @Override
  public boolean receivesBackfill() {
    return receivesBackfill;
  }

  @Override
  public String coalescingKey(ChangeEvent event) {
    return coalescingKey.apply(event);
  }

  /** The handled changes of one row key, in the order they were handled. */
  List<ChangeEvent> seenOf(String key) {
    return seen.stream().filter(e -> e.keyString().equals(key)).toList();
  }

  /** The {@code qty} of every handled change's after image, in order. */
  List<Long> quantities() {
    return seen.stream().map(e -> e.after().get("qty").asLong()).toList();
  }
}
