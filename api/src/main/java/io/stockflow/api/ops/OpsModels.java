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
}
