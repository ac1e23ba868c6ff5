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
 * The framework's Micrometer meters, tagged {@code topic} and (where it applies) {@code
 * subprocessor}. Names (Prometheus adds {@code _total} / {@code _seconds}):
 *
 * <ul>
 *   <li>{@value #RECEIVED} — row changes decoded (topic)
 *   <li>{@value #PROCESSED} — successful {@code process} calls, i.e. downstream calls
 *   <li>{@value #SKIPPED_STALE} — changes at or below the subprocessor's fence
 *   <li>{@value #RETRIED} — retry attempts after a failed {@code process}
 *   <li>{@value #DEAD_LETTERED} — messages dead-lettered, extra tag {@code reason} = failure |
 *       paused | undecodable (subprocessor {@code ""} for undecodable)
 *   <li>{@value #COALESCED} — changes absorbed by a newer one with the same coalescing key
 *   <li>{@value #REDRIVEN} — dead letters re-driven successfully
 *   <li>{@value #LATENCY} — timer from the change's commit ({@code updated}) to handled
 *   <li>{@value #CONSUMER_LAG} — records behind the end offsets of the assigned partitions (topic)
 *   <li>{@value #WATERMARK_LAG} — seconds between now and the feed's watermark (topic; NaN until
 *       every assigned partition has seen a resolved timestamp)
 *   <li>{@value #DEFERRED} — changes waiting for the watermark (topic)
 *   <li>{@value #LANE_QUEUED} — records consumed and not yet handled by a subprocessor's lane
 *   <li>{@value #LANE_FAILING} — 1 while a lane's batches fail as a whole (an outage), else 0
 *   <li>{@value #FETCH_PAUSED} — 1 while a full lane keeps the topic's consumer from fetching
 *       (topic)
 * </ul>
 *
 * Thread-safe.
 */
final class ChangefeedMetrics {
  public static final String RECEIVED = "stockflow.changefeed.received";
  public static final String PROCESSED = "stockflow.changefeed.processed";
  public static final String SKIPPED_STALE = "stockflow.changefeed.skipped.stale";
  public static final String RETRIED = "stockflow.changefeed.retried";
  public static final String DEAD_LETTERED = "stockflow.changefeed.dead.lettered";
  public static final String COALESCED = "stockflow.changefeed.coalesced";
  public static final String REDRIVEN = "stockflow.changefeed.redriven";
  public static final String LATENCY = "stockflow.changefeed.handled.latency";
  public static final String CONSUMER_LAG = "stockflow.changefeed.consumer.lag";
  public static final String WATERMARK_LAG = "stockflow.changefeed.watermark.lag";
  public static final String DEFERRED = "stockflow.changefeed.deferred";
  public static final String LANE_QUEUED = "stockflow.changefeed.lane.queued";
  public static final String LANE_FAILING = "stockflow.changefeed.lane.failing";
  public static final String FETCH_PAUSED = "stockflow.changefeed.fetch.paused";

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
    registry.counter(RECEIVED, "topic", topic).increment(n);
  }

  public void processed(String topic, String subprocessor, Hlc updated) {
    counter(PROCESSED, topic, subprocessor).increment();
    Instant now = Instant.now();
    for (var l : listeners) l.handled(topic, subprocessor, updated, now);
    Duration latency = Duration.between(updated.toInstant(), now);
    Timer.builder(LATENCY)
        .tags(tags(topic, subprocessor))
        .publishPercentileHistogram()
        .register(registry)
        // A clock skew between database and consumer must not produce a negative sample.
        .record(latency.isNegative() ? Duration.ZERO : latency);
  }

  public void skippedStale(String topic, String subprocessor) {
    counter(SKIPPED_STALE, topic, subprocessor).increment();
  }

  public void retried(String topic, String subprocessor) {
    counter(RETRIED, topic, subprocessor).increment();
  }

  public void coalesced(String topic, String subprocessor, int n) {
    counter(COALESCED, topic, subprocessor).increment(n);
  }

  public void redriven(String topic, String subprocessor) {
    counter(REDRIVEN, topic, subprocessor).increment();
  }

  public void deadLettered(String topic, String subprocessor, Reason reason) {
    registry
        .counter(DEAD_LETTERED, tags(topic, subprocessor).and("reason", reason.tag()))
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
