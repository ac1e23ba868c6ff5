package io.stockflow.changefeed.it;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;

/** A test subprocessor that records every change it handles; can be made to fail on demand. */
final class RecordingSubprocessor implements Subprocessor {
  private final String name;
  private Predicate<ChangeEvent> filter = e -> true;
  private Function<ChangeEvent, String> coalescingKey = e -> null;
  private boolean awaitResolved;
  final List<ChangeEvent> seen = new CopyOnWriteArrayList<>();
  final AtomicBoolean failing = new AtomicBoolean();
  final AtomicInteger calls = new AtomicInteger();

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

  RecordingSubprocessor awaitingResolved() {
    this.awaitResolved = true;
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
  public void process(ChangeEvent event) {
    calls.incrementAndGet();
    if (failing.get()) throw new IllegalStateException("downstream of " + name + " is down");
    seen.add(event);
  }

  @Override
  public boolean awaitResolved() {
    return awaitResolved;
  }

  @Override
  public String coalescingKey(ChangeEvent event) {
    return coalescingKey.apply(event);
  }

  /** The {@code qty} of every handled change's after image, in order. */
  List<Long> quantities() {
    return seen.stream().map(e -> e.after().get("qty").asLong()).toList();
  }
}
