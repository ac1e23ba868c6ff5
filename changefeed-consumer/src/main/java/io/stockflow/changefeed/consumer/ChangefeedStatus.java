package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Hlc;
import java.util.List;
import java.util.Map;

/**
 * A point-in-time snapshot for the ops API. Immutable.
 *
 * @param topics one entry per configured topic
 * @param subprocessors one entry per configured subprocessor name, counts summed over topics
 */
public record ChangefeedStatus(List<TopicStatus> topics, List<SubprocessorStatus> subprocessors) {

  /**
   * @param assignedPartitions partitions this instance consumes now (empty when not started)
   * @param resolved latest resolved timestamp per assigned partition (value null: none yet)
   * @param watermark min over assigned partitions, null until each has one
   * @param watermarkLagSeconds seconds behind now, NaN while the watermark is unknown
   * @param consumerLag records behind the end offsets of the assigned partitions
   * @param deferred changes waiting for the watermark
   * @param fetchPaused whether a full lane keeps this instance from fetching the topic now
   * @param lanes one per enabled subprocessor, in configuration order
   * @param consuming whether this instance's consumer for the topic is running (false when not
   *     started, closed, or between an error and its restart — a health check reports it DOWN)
   * @param restarts how often the topic's consumer was restarted after an error, in this process
   */
  public record TopicStatus(
      String topic,
      String deadLetterTopic,
      List<String> subprocessors,
      List<Integer> assignedPartitions,
      Map<Integer, Hlc> resolved,
      Hlc watermark,
      double watermarkLagSeconds,
      long consumerLag,
      long deferred,
      boolean fetchPaused,
      List<LaneStatus> lanes,
      boolean consuming,
      long restarts) {}

  /**
   * One subprocessor's lane on one topic in this instance.
   *
   * @param parking whether this instance applies the subprocessor's pause switch now (parks its
   *     live changes as dead letters); it follows the stored switch within {@code
   *     controlRefreshInterval}
   * @param queuedRecords records consumed and not yet handled by the lane (its lag behind the
   *     consumer)
   * @param deferred changes held until the watermark passes them
   * @param lastLatencyMillis commit-to-handled of the newest change of the lane's last batch; -1
   *     before the first
   * @param failingSince since when the lane's batches fail as a whole (a dependency is down), or
   *     null
   * @param lastFailure the last such failure while {@code failingSince} is set, else null
   */
  public record LaneStatus(
      String subprocessor,
      boolean parking,
      long queuedRecords,
      long deferred,
      long lastLatencyMillis,
      java.time.Instant failingSince,
      String lastFailure) {}

  /** Counts since this process started. */
  public record SubprocessorStatus(
      String name,
      List<String> topics,
      boolean paused,
      long processed,
      long skippedStale,
      long retried,
      long deadLettered,
      long coalesced,
      long redriven) {}

  public TopicStatus topic(String name) {
    return topics.stream().filter(t -> t.topic().equals(name)).findFirst().orElseThrow();
  }

  public SubprocessorStatus subprocessor(String name) {
    return subprocessors.stream().filter(s -> s.name().equals(name)).findFirst().orElseThrow();
  }
}
