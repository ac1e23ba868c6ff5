package io.stockflow.changefeed;

/**
 * One reaction to row changes, plugged into the changefeed consumer. Implementations are beans;
 * {@link #name()} is the configuration key ({@code
 * stockflow.changefeed.tables.<table>.subprocessors}), log tag and metric tag.
 *
 * <p>The framework owns everything else: decoding, skipping stale and duplicate messages (HLC fence
 * per subprocessor and key), retries with backoff, dead letters, replay, coalescing, waiting for
 * resolved timestamps, logging and metrics.
 *
 * <p>Threading: for one topic, calls to one subprocessor are sequential and in partition order, on
 * a worker thread dedicated to that subprocessor (so a slow or failing subprocessor does not hold
 * up the others). The same instance serves every topic it is enabled for and dead-letter re-drives,
 * which may run concurrently, so implementations must be thread-safe.
 */
public interface Subprocessor {
  /** Stable, unique, kebab-case name, e.g. {@code restock}. */
  String name();

  /**
   * Cheap and side-effect free: does this change concern me? Replay requests ({@link
   * ChangeEvent#replay()}) should normally be accepted whenever the row's state would be; {@link
   * ChangeEvent#changed(String)} is true for every column of a replay, so column filters accept it.
   * Throwing dead-letters the message for this subprocessor without retries.
   */
  boolean shouldProcess(ChangeEvent event);

  /**
   * Reacts to the change, usually SignalWithStart on a workflow whose ID is derived from the
   * business key. Must be idempotent: after a crash the same change can be delivered again.
   * Throwing makes the framework retry with backoff and finally dead-letter the message for this
   * subprocessor only.
   */
  void process(ChangeEvent event) throws Exception;

  /**
   * Opt in to act on a change only once the feed's watermark (the minimum resolved timestamp over
   * the consumer's partitions) has reached its {@code updated}: by then every change committed at
   * or before it has been delivered, so a view across rows (e.g. a SKU's total over all locations)
   * read at that point includes all of them. Costs latency of up to the resolved interval. Default
   * false.
   */
  default boolean awaitResolved() {
    return false;
  }

  /**
   * Groups changes bound for the same downstream call, e.g. the workflow ID. Within one poll batch,
   * of the accepted changes with the same non-null key only the newest (by {@code updated}) reaches
   * {@link #process}; the older ones count as handled (their fences advance). {@code null}, the
   * default, means no coalescing. Called from the subprocessor's worker thread; must be cheap and
   * side-effect free.
   */
  default String coalescingKey(ChangeEvent event) {
    return null;
  }
}
