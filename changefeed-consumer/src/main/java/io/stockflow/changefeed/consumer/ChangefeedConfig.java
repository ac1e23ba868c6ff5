package io.stockflow.changefeed.consumer;

import io.opentelemetry.api.OpenTelemetry;
import io.stockflow.changefeed.Subprocessor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * Everything the changefeed processor needs to know, validated on {@link Builder#build()}.
 * Immutable and thread-safe.
 *
 * @param bootstrapServers Kafka bootstrap servers, e.g. {@code 127.0.0.1:9092}
 * @param groupId consumer group; every instance with the same group shares the partitions
 * @param topics source topic -> enabled subprocessors, in the order they are listed (one consumer
 *     thread per topic)
 * @param retry retry policy per subprocessor and message
 * @param deadLetterSuffix appended to a source topic to name its dead-letter topic ({@code .dlq})
 * @param pollTimeout longest one {@code poll} blocks; also bounds how long {@code close} waits for
 *     an idle consumer
 * @param maxPollRecords records per poll, i.e. the batch that fences are loaded for, coalescing
 *     applies to, and offsets are committed after
 * @param subprocessorConcurrency per subprocessor and topic, how many ordering groups (changes of
 *     one coalescing key, else of one row) of a batch are processed at once; 1 processes a batch
 *     strictly in order
 * @param concurrencyOverrides subprocessor name -> its own concurrency, replacing {@code
 *     subprocessorConcurrency} for it
 * @param laneCapacity per topic and subprocessor, how many consumed records its lane may hold
 *     before the topic's consumer stops fetching (backpressure); fetching resumes below half
 * @param laneBatchRecords the most records a lane takes from its queue at once: a lane that fell
 *     behind catches up in batches of up to this many (one fence query, one coalescing pass)
 * @param outageBackoff the longest pause between retries of a lane whose dependency is down
 * @param controlRefreshInterval how often pause/resume switches are re-read from the database
 * @param consumedMarkInterval how often each topic's consumed high-water mark is stored (a reader
 *     of the mark may trail the consumer by this much)
 * @param replayColumn the column whose sole change marks a replay request
 * @param consumerProperties extra Kafka consumer properties (security, timeouts …); the framework's
 *     own settings (deserializers, auto commit off) win
 * @param openTelemetry where the consumer's spans go (one trace per change, see the module README);
 *     {@link OpenTelemetry#noop()} switches tracing off
 */
public record ChangefeedConfig(
    String bootstrapServers,
    String groupId,
    Map<String, List<Subprocessor>> topics,
    RetryPolicy retry,
    String deadLetterSuffix,
    Duration pollTimeout,
    int maxPollRecords,
    int subprocessorConcurrency,
    Map<String, Integer> concurrencyOverrides,
    int laneCapacity,
    int laneBatchRecords,
    Duration outageBackoff,
    Duration controlRefreshInterval,
    Duration consumedMarkInterval,
    String replayColumn,
    Map<String, String> consumerProperties,
    OpenTelemetry openTelemetry) {

  public ChangefeedConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(groupId, "groupId");
    Objects.requireNonNull(retry, "retry");
    Objects.requireNonNull(deadLetterSuffix, "deadLetterSuffix");
    Objects.requireNonNull(pollTimeout, "pollTimeout");
    Objects.requireNonNull(controlRefreshInterval, "controlRefreshInterval");
    Objects.requireNonNull(consumedMarkInterval, "consumedMarkInterval");
    Objects.requireNonNull(replayColumn, "replayColumn");
    Objects.requireNonNull(openTelemetry, "openTelemetry");
    if (topics == null || topics.isEmpty())
      throw new IllegalArgumentException("configure at least one topic");
    if (deadLetterSuffix.isBlank())
      throw new IllegalArgumentException("deadLetterSuffix must not be blank");
    if (maxPollRecords < 1) throw new IllegalArgumentException("maxPollRecords must be >= 1");
    if (subprocessorConcurrency < 1)
      throw new IllegalArgumentException("subprocessorConcurrency must be >= 1");
    if (laneCapacity < maxPollRecords)
      throw new IllegalArgumentException(
          "laneCapacity (" + laneCapacity + ") must be >= maxPollRecords (" + maxPollRecords + ")");
    if (laneBatchRecords < 1) throw new IllegalArgumentException("laneBatchRecords must be >= 1");
    Objects.requireNonNull(outageBackoff, "outageBackoff");
    Map<String, List<Subprocessor>> copy = new LinkedHashMap<>();
    Map<String, Subprocessor> byName = new LinkedHashMap<>();
    topics.forEach(
        (t, subs) -> {
          if (subs.isEmpty())
            throw new IllegalArgumentException("topic \"" + t + "\" enables no subprocessor");
          Set<String> names = new TreeSet<>();
          for (Subprocessor s : subs) {
            if (!names.add(s.name()))
              throw new IllegalArgumentException(
                  "subprocessor \"" + s.name() + "\" is listed twice for topic \"" + t + "\"");
            // The name keys fences, dead letters and the pause switch, so it must mean one bean.
            Subprocessor other = byName.putIfAbsent(s.name(), s);
            if (other != null && other != s)
              throw new IllegalArgumentException(
                  "two different subprocessors are named \"" + s.name() + "\"");
          }
          copy.put(t, List.copyOf(subs));
        });
    topics = java.util.Collections.unmodifiableMap(copy);
    concurrencyOverrides = Map.copyOf(concurrencyOverrides);
    concurrencyOverrides.forEach(
        (name, n) -> {
          if (!byName.containsKey(name))
            throw new IllegalArgumentException(
                "subprocessorConcurrency names \""
                    + name
                    + "\", which no topic enables; enabled: "
                    + new TreeSet<>(byName.keySet()));
          if (n < 1)
            throw new IllegalArgumentException(
                "subprocessorConcurrency of \"" + name + "\" must be >= 1");
        });
    consumerProperties = Map.copyOf(consumerProperties);
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The dead-letter topic of {@code sourceTopic}, e.g. {@code inventory_levels.dlq}. */
  public String deadLetterTopic(String sourceTopic) {
    return sourceTopic + deadLetterSuffix;
  }

  /** How many ordering groups of a batch the subprocessor {@code name} processes at once. */
  public int concurrency(String name) {
    return concurrencyOverrides.getOrDefault(name, subprocessorConcurrency);
  }

  /** Every subprocessor name enabled on any topic, sorted. */
  public Set<String> subprocessorNames() {
    Set<String> names = new TreeSet<>();
    topics.values().forEach(l -> l.forEach(s -> names.add(s.name())));
    return names;
  }

  /** The subprocessor named {@code name} if it is enabled for {@code topic}, else null. */
  public Subprocessor subprocessor(String topic, String name) {
    return topics.getOrDefault(topic, List.of()).stream()
        .filter(s -> s.name().equals(name))
        .findFirst()
        .orElse(null);
  }

  /** Fluent builder with the defaults documented on each setter. Not thread-safe. */
  public static final class Builder {
    private String bootstrapServers;
    private String groupId = "stockflow-changefeed";
    private final Map<String, List<Subprocessor>> topics = new LinkedHashMap<>();
    private RetryPolicy retry = RetryPolicy.DEFAULT;
    private String deadLetterSuffix = ".dlq";
    private Duration pollTimeout = Duration.ofMillis(500);
    private int maxPollRecords = 500;
    private int subprocessorConcurrency = 8;
    private final Map<String, Integer> concurrencyOverrides = new LinkedHashMap<>();
    private int laneCapacity = 10_000;
    private int laneBatchRecords = 2_000;
    private Duration outageBackoff = Duration.ofSeconds(30);
    private Duration controlRefreshInterval = Duration.ofSeconds(1);
    private Duration consumedMarkInterval = Duration.ofSeconds(5);
    private String replayColumn = ReplayRule.DEFAULT_COLUMN;
    private final Map<String, String> consumerProperties = new LinkedHashMap<>();
    private OpenTelemetry openTelemetry = OpenTelemetry.noop();

    private Builder() {}

    /** Required. */
    public Builder bootstrapServers(String servers) {
      this.bootstrapServers = servers;
      return this;
    }

    /** Default {@code stockflow-changefeed}. */
    public Builder groupId(String groupId) {
      this.groupId = groupId;
      return this;
    }

    /** Enables {@code subprocessors} on {@code topic}, replacing any earlier list for it. */
    public Builder topic(String topic, List<? extends Subprocessor> subprocessors) {
      topics.put(topic, List.copyOf(subprocessors));
      return this;
    }

    /**
     * The one-line-per-table form: names resolved against {@code beans} by {@link
     * SubprocessorRegistry#resolve}, failing loudly on unknown or duplicate names.
     */
    public Builder topics(
        Map<String, List<String>> namesByTopic,
        java.util.Collection<? extends Subprocessor> beans) {
      topics.putAll(SubprocessorRegistry.resolve(namesByTopic, beans));
      return this;
    }

    /** Default {@link RetryPolicy#DEFAULT}. */
    public Builder retry(RetryPolicy retry) {
      this.retry = retry;
      return this;
    }

    /** Default {@code .dlq}. */
    public Builder deadLetterSuffix(String suffix) {
      this.deadLetterSuffix = suffix;
      return this;
    }

    /** Default 500 ms. */
    public Builder pollTimeout(Duration timeout) {
      this.pollTimeout = timeout;
      return this;
    }

    /** Default 500. */
    public Builder maxPollRecords(int max) {
      this.maxPollRecords = max;
      return this;
    }

    /**
     * Default 8: how many ordering groups of a batch each subprocessor processes at once, on its
     * own pool of that many threads per topic. A group is the changes of one coalescing key (the
     * downstream workflow), else of one row; a group's changes run one after another in batch
     * order, so per-key order holds at any setting. 1 processes a subprocessor's share of a batch
     * strictly in order, on one thread.
     */
    public Builder subprocessorConcurrency(int concurrency) {
      this.subprocessorConcurrency = concurrency;
      return this;
    }

    /**
     * Overrides {@link #subprocessorConcurrency(int)} for one subprocessor, e.g. 1 for one whose
     * downstream cannot take parallel calls. The name must be enabled on some topic.
     */
    public Builder subprocessorConcurrency(String subprocessor, int concurrency) {
      concurrencyOverrides.put(subprocessor, concurrency);
      return this;
    }

    /**
     * Default 10,000: records a subprocessor's lane may hold (consumed, not yet handled) before the
     * topic's consumer pauses fetching; it resumes once every lane holds at most half. Bounds
     * memory and how far the fastest lane can run ahead of the slowest. At least {@code
     * maxPollRecords}.
     */
    public Builder laneCapacity(int records) {
      this.laneCapacity = records;
      return this;
    }

    /**
     * Default 2,000: the most records a lane handles as one batch. A lane that fell behind takes
     * several polls' worth at once, so it catches up with fewer fence queries and downstream calls.
     */
    public Builder laneBatchRecords(int records) {
      this.laneBatchRecords = records;
      return this;
    }

    /**
     * Default 30 s: the longest pause between retries of a lane stopped by an outage (see {@link
     * io.stockflow.changefeed.Subprocessor#isOutage}); pauses start at 1 s and double.
     */
    public Builder outageBackoff(Duration max) {
      this.outageBackoff = max;
      return this;
    }

    /** Default 1 s. */
    public Builder controlRefreshInterval(Duration interval) {
      this.controlRefreshInterval = interval;
      return this;
    }

    /** Default 5 s. */
    public Builder consumedMarkInterval(Duration interval) {
      this.consumedMarkInterval = interval;
      return this;
    }

    /** Default {@code last_updated}. */
    public Builder replayColumn(String column) {
      this.replayColumn = column;
      return this;
    }

    public Builder consumerProperty(String key, String value) {
      consumerProperties.put(key, value);
      return this;
    }

    /**
     * Default {@link OpenTelemetry#noop()}: no spans, and the consumer skips even building them.
     * Pass the platform's SDK to trace every change from its message through each subprocessor.
     */
    public Builder openTelemetry(OpenTelemetry openTelemetry) {
      this.openTelemetry = openTelemetry;
      return this;
    }

    public ChangefeedConfig build() {
      return new ChangefeedConfig(
          bootstrapServers,
          groupId,
          topics,
          retry,
          deadLetterSuffix,
          pollTimeout,
          maxPollRecords,
          subprocessorConcurrency,
          concurrencyOverrides,
          laneCapacity,
          laneBatchRecords,
          outageBackoff,
          controlRefreshInterval,
          consumedMarkInterval,
          replayColumn,
          consumerProperties,
          openTelemetry);
    }
  }
}
