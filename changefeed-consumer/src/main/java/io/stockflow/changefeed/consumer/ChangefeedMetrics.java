package io.stockflow.changefeed.consumer;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.stockflow.changefeed.Hlc;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * Records the processor's meters ({@link ChangefeedMeters} names them), tagged {@code topic} and
 * (where it applies) {@code subprocessor}, and tells the {@link HandledListener}s. Thread-safe.
 */
final class ChangefeedMetrics {
  /** Why a message was dead-lettered; the {@code reason} tag. */
  public enum Reason {
    FAILURE,
    PAUSED,
    UNDECODABLE;

    public String tag() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  private final MeterRegistry registry;
  private final List<HandledListener> listeners = new CopyOnWriteArrayList<>();

  public ChangefeedMetrics(MeterRegistry registry) {
    this.registry = Objects.requireNonNull(registry, "registry");
  }

  public void addHandledListener(HandledListener listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  public MeterRegistry registry() {
    return registry;
  }

  public void received(String topic, int n) {
    registry.counter(ChangefeedMeters.RECEIVED, "topic", topic).increment(n);
  }

  public void processed(String topic, String subprocessor, Hlc updated) {
    counter(ChangefeedMeters.PROCESSED, topic, subprocessor).increment();
    Instant now = Instant.now();
    for (var l : listeners) l.handled(topic, subprocessor, updated, now);
    Duration latency = Duration.between(updated.toInstant(), now);
    Timer.builder(ChangefeedMeters.LATENCY)
        .tags(tags(topic, subprocessor))
        .publishPercentileHistogram()
        .register(registry)
        // A clock skew between database and consumer must not produce a negative sample.
        .record(latency.isNegative() ? Duration.ZERO : latency);
  }

  public void skippedStale(String topic, String subprocessor) {
    counter(ChangefeedMeters.SKIPPED_STALE, topic, subprocessor).increment();
  }

  public void skippedBackfill(String topic, String subprocessor) {
    counter(ChangefeedMeters.SKIPPED_BACKFILL, topic, subprocessor).increment();
  }

  public void retried(String topic, String subprocessor) {
    counter(ChangefeedMeters.RETRIED, topic, subprocessor).increment();
  }

  public void coalesced(String topic, String subprocessor, int n) {
    counter(ChangefeedMeters.COALESCED, topic, subprocessor).increment(n);
  }

  public void redriven(String topic, String subprocessor) {
    counter(ChangefeedMeters.REDRIVEN, topic, subprocessor).increment();
  }

  public void deadLettered(String topic, String subprocessor, Reason reason) {
    registry
        .counter(
            ChangefeedMeters.DEAD_LETTERED, tags(topic, subprocessor).and("reason", reason.tag()))
        .increment();
  }

  /**
   * Registers a topic gauge read from {@code value}; the owner removes it with {@link #remove} when
   * it stops, so a later consumer of the same topic in this registry registers its own.
   */
  public Gauge gauge(String name, String topic, Supplier<Number> value) {
    return Gauge.builder(name, value).tags("topic", topic).strongReference(true).register(registry);
  }

  /** Like {@link #gauge(String, String, Supplier)}, for one subprocessor's lane on a topic. */
  public Gauge gauge(String name, String topic, String subprocessor, Supplier<Number> value) {
    return Gauge.builder(name, value)
        .tags(tags(topic, subprocessor))
        .strongReference(true)
        .register(registry);
  }

  public void remove(Gauge gauge) {
    registry.remove(gauge);
  }

  /**
   * Sum of counter {@code name} over all topics (and reasons) for one subprocessor; for status
   * snapshots.
   */
  public long count(String name, String subprocessor) {
    return (long)
        registry.find(name).tag("subprocessor", subprocessor).counters().stream()
            .mapToDouble(Counter::count)
            .sum();
  }

  private Counter counter(String name, String topic, String subprocessor) {
    return registry.counter(name, tags(topic, subprocessor));
  }

  private static Tags tags(String topic, String subprocessor) {
    return Tags.of("topic", topic, "subprocessor", subprocessor);
  }
}
