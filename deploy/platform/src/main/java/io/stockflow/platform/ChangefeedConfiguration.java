package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.stockflow.changefeed.consumer.ChangefeedConfig;
import io.stockflow.changefeed.consumer.RetryPolicy;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * {@code stockflow.changefeed.*}: which subprocessors react to which table (one line per table) and
 * how the consumers behave. The consumer's tuning has its defaults in the changefeed-consumer
 * module ({@link ChangefeedConfig.Builder}, {@link RetryPolicy#DEFAULT}); a property left unset
 * here keeps that default.
 *
 * @param tables table (= topic) → subprocessor names, in order
 * @param groupId consumer group: instances with the same group share the partitions
 * @param retryAttempts attempts per subprocessor and message before it is dead-lettered
 * @param retryInitialBackoff wait after a subprocessor's first failure; doubles per attempt
 * @param retryMaxBackoff the longest wait between two attempts
 * @param subprocessorConcurrency how many keys of a batch each subprocessor handles at once (one
 *     key's changes always in order); 1 handles the batch one change after another
 * @param laneCapacity records one subprocessor's lane may hold (consumed, not yet handled) before
 *     the topic's consumer stops fetching until every lane is back under half
 * @param laneBatchRecords the most records a lane handles as one batch (a lane that fell behind
 *     catches up faster)
 * @param outageBackoff longest pause between retries of a lane whose dependency (Temporal,
 *     database) is down
 */
@ConfigurationProperties("stockflow.changefeed")
public record ChangefeedConfiguration(
    @Nullable Map<String, List<String>> tables,
    @Bindable(defaultValue = ChangefeedConfiguration.DEFAULT_GROUP_ID) String groupId,
    @Nullable Integer retryAttempts,
    @Nullable Duration retryInitialBackoff,
    @Nullable Duration retryMaxBackoff,
    @Nullable Integer subprocessorConcurrency,
    @Nullable Integer laneCapacity,
    @Nullable Integer laneBatchRecords,
    @Nullable Duration outageBackoff) {

  /** Also the migrate job's, whose recreated feed starts from this group's consumed mark. */
  public static final String DEFAULT_GROUP_ID = "stockflow";

  public ChangefeedConfiguration {
    // In the configured order: the topics are consumed in it.
    tables = tables == null ? Map.of() : Collections.unmodifiableMap(new LinkedHashMap<>(tables));
  }

  /** The retry policy: what is set here, the consumer's default for the rest. */
  public RetryPolicy retry() {
    RetryPolicy d = RetryPolicy.DEFAULT;
    return new RetryPolicy(
        Objects.requireNonNullElse(retryAttempts, d.maxAttempts()),
        Objects.requireNonNullElse(retryInitialBackoff, d.initialBackoff()),
        Objects.requireNonNullElse(retryMaxBackoff, d.maxBackoff()));
  }

  /** Sets the group and every tuning property that is configured on {@code builder}. */
  public ChangefeedConfig.Builder applyTo(ChangefeedConfig.Builder builder) {
    builder.groupId(groupId).retry(retry());
    if (subprocessorConcurrency != null) builder.subprocessorConcurrency(subprocessorConcurrency);
    if (laneCapacity != null) builder.laneCapacity(laneCapacity);
    if (laneBatchRecords != null) builder.laneBatchRecords(laneBatchRecords);
    if (outageBackoff != null) builder.outageBackoff(outageBackoff);
    return builder;
  }
}
