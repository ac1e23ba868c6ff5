package io.stockflow.changefeed;

/**
 * One reaction to row changes, plugged into the changefeed consumer. Implementations are beans;
 * {@link #name()} is the configuration key ({@code
 * stockflow.changefeed.tables.<table>.subprocessors}), log tag and metric tag.
 *
 * <p>The framework owns everything else: decoding, skipping stale and duplicate messages (HLC fence
 * per subprocessor and key), retries with backoff, dead letters, replay, logging and metrics.
 * Methods are called from the consumer thread of the message's partition; one instance serves all
 * partitions, so implementations must be thread-safe.
 */
public interface Subprocessor {
  /** Stable, unique, kebab-case name, e.g. {@code restock}. */
  String name();

  /**
   * Cheap and side-effect free: does this change concern me? Replay requests ({@link
   * ChangeEvent#replay()}) should normally be accepted whenever the row's state would be.
   */
  boolean shouldProcess(ChangeEvent event);

  /**
   * Reacts to the change, usually SignalWithStart on a workflow whose ID is derived from the
   * business key. Must be idempotent: after a crash the same change can be delivered again.
   * Throwing makes the framework retry with backoff and finally dead-letter the message for this
   * subprocessor only.
   */
  void process(ChangeEvent event) throws Exception;
}
