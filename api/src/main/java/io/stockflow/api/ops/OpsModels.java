package io.stockflow.api.ops;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.time.Instant;
import java.util.List;

/** The data exchanged with {@link OpsBackend}, also the JSON of the ops endpoints. */
public final class OpsModels {
  private OpsModels() {}

  /**
   * One dead-lettered message (the {@code dead_letters} index row).
   *
   * @param subprocessor the subprocessor that failed; null for a message that could not be decoded
   *     (it failed before any subprocessor saw it)
   */
  @Introspected
  public record DeadLetter(
      String id,
      String sourceTopic,
      int sourcePartition,
      long sourceOffset,
      @Nullable String subprocessor,
      String deadLetterTopic,
      @Nullable String messageKey,
      String errorClass,
      String errorMessage,
      long attempts,
      Instant firstFailureAt,
      Instant lastFailureAt,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              allowableValues = {"pending", "redriven", "resolved"})
          String status,
      @Nullable Instant redrivenAt) {}

  /** What a re-drive did. */
  @Introspected
  public record RedriveResult(Outcome outcome, String message) {
    /**
     * REDRIVEN: handled now; FAILED: the subprocessor failed again (the dead letter stays pending,
     * the message says why); ALREADY_REDRIVEN: a no-op; NOT_FOUND: no such dead letter;
     * SUBPROCESSOR_NOT_CONFIGURED: the letter's subprocessor is not enabled for its table any more
     * (answered 409; resolve the letter, or enable the subprocessor again).
     */
    public enum Outcome {
      REDRIVEN,
      FAILED,
      ALREADY_REDRIVEN,
      SUBPROCESSOR_NOT_CONFIGURED,
      NOT_FOUND
    }
  }

  /** What pause/resume did. */
  @Introspected
  public record SwitchResult(Outcome outcome, boolean paused) {
    /** CHANGED: state flipped; UNCHANGED: already so; UNKNOWN_SUBPROCESSOR: no such name. */
    public enum Outcome {
      CHANGED,
      UNCHANGED,
      UNKNOWN_SUBPROCESSOR
    }
  }

  /** The consumer framework's state. */
  @Introspected
  public record ConsumerStatus(List<FeedStatus> feeds, List<SubprocessorStatus> subprocessors) {}

  /**
   * One watched table's topic.
   *
   * @param watermark the lowest resolved timestamp over its partitions (null before the first)
   * @param watermarkLagSeconds now minus the watermark (null where this instance does not consume
   *     the table)
   * @param consumerLag messages not yet consumed, summed over partitions
   * @param fetchPaused whether a full lane keeps the consumer from fetching (backpressure)
   * @param lanes one per subprocessor enabled on the table, each progressing on its own
   */
  @Introspected
  public record FeedStatus(
      String table,
      String topic,
      @Nullable Instant watermark,
      @Nullable Double watermarkLagSeconds,
      long consumerLag,
      boolean fetchPaused,
      List<LaneStatus> lanes) {}

  /**
   * One subprocessor's lane on one table, in this instance.
   *
   * @param parking whether this instance applies the pause switch now (the switch is stored at
   *     once; each consumer instance picks it up within about a second)
   * @param queuedRecords messages consumed and not yet handled by this subprocessor
   * @param deferred changes waiting for the watermark
   * @param lastLatencyMillis commit-to-handled of the newest change of its last batch (-1: none)
   * @param failingSince since when its batches fail as a whole because a dependency is down
   * @param lastFailure that failure, while it lasts
   */
  @Introspected
  public record LaneStatus(
      String subprocessor,
      boolean parking,
      long queuedRecords,
      long deferred,
      long lastLatencyMillis,
      @Nullable Instant failingSince,
      @Nullable String lastFailure) {}

  /** One subprocessor's switches and counters. */
  @Introspected
  public record SubprocessorStatus(
      String name,
      List<String> tables,
      boolean paused,
      long processed,
      long skippedStale,
      long retried,
      long deadLettered) {}

  /** One dead letter with the original message value (the changefeed JSON) it carries. */
  @Introspected
  public record DeadLetterDetail(DeadLetter letter, @Nullable String messageValue) {}

  /**
   * One subprocessor's lane on one topic, in this instance, with the numbers an operator watches.
   *
   * @param consuming whether this instance consumes the topic now (when not, its numbers are zero
   *     and another instance does the work)
   * @param paused the stored pause switch (every instance follows it)
   * @param parking whether this instance applies the switch now
   * @param consumerLag the topic's messages not yet consumed, summed over its partitions
   * @param watermark the topic's lowest resolved timestamp over its partitions (null before one)
   * @param watermarkAgeSeconds now minus the watermark (null while it is unknown)
   * @param fetchPaused whether a full lane keeps the topic's consumer from fetching
   * @param queuedRecords messages consumed and not yet handled by this lane
   * @param deferred changes this lane holds until the watermark passes them
   * @param totals counts since this instance started
   * @param recent rates and latency over the last minute or so (null until this instance has been
   *     asked twice at least a second apart)
   * @param lastLatencyMillis commit-to-handled of the newest change of its last batch (-1: none)
   * @param failingSince since when its batches fail as a whole because a dependency is down
   * @param lastFailure that failure, while it lasts
   */
  @Introspected
  public record LaneMetrics(
      String topic,
      String subprocessor,
      boolean consuming,
      boolean paused,
      boolean parking,
      long consumerLag,
      @Nullable Instant watermark,
      @Nullable Double watermarkAgeSeconds,
      boolean fetchPaused,
      long queuedRecords,
      long deferred,
      LaneTotals totals,
      @Nullable LaneRecent recent,
      long lastLatencyMillis,
      @Nullable Instant failingSince,
      @Nullable String lastFailure) {}

  /**
   * A lane's counts since its instance started.
   *
   * @param processed changes handled (downstream calls)
   * @param skippedStale changes at or below the subprocessor's fence
   * @param retried retry attempts
   * @param deadLettered changes that failed their retries
   * @param parked changes parked as dead letters while the subprocessor was paused
   */
  @Introspected
  public record LaneTotals(
      long processed, long skippedStale, long retried, long deadLettered, long parked) {}

  /**
   * A lane's rates over a recent window.
   *
   * @param seconds the window's length
   * @param meanLatencyMillis commit-to-handled latency averaged over the changes handled in the
   *     window (null when none was)
   */
  @Introspected
  public record LaneRecent(
      double seconds,
      double processedPerSecond,
      double deadLetteredPerSecond,
      @Nullable Double meanLatencyMillis) {}

  /** One row of the {@code alerts} table. */
  @Introspected
  public record Alert(
      String id,
      String kind,
      String severity,
      @Nullable String sku,
      @Nullable String locationId,
      String message,
      String status,
      long notifyCount,
      Instant createdAt,
      @Nullable String acknowledgedBy,
      @Nullable Instant acknowledgedAt) {}

  /**
   * What re-driving every pending dead letter did.
   *
   * @param results one per letter tried, oldest failure first
   */
  @Introspected
  public record RedriveAllResult(
      int redriven, int failed, int skipped, List<RedriveItem> results) {}

  /** One letter of a {@link RedriveAllResult}. */
  @Introspected
  public record RedriveItem(String id, RedriveResult.Outcome outcome, String message) {}
}
