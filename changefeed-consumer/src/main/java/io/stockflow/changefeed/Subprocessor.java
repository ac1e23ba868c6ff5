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
 * <p>Threading and order: the guarantees are <em>per key</em>, as the changefeed's are. Within a
 * poll batch, a subprocessor's accepted changes (after filter, fence, pause, deferral and
 * coalescing) are split into ordering groups: the changes with the same {@link #coalescingKey} when
 * it is non-null (it names the downstream workflow), else those of the same row (message key);
 * groups linked by a common row are merged. Changes of one group are processed one after another in
 * partition (offset) order; different groups run concurrently, up to the configured {@code
 * subprocessorConcurrency} (default 8) per subprocessor and topic, on threads dedicated to that
 * subprocessor — so a slow or failing subprocessor does not hold up the others, and a slow or
 * failing key does not hold up the subprocessor's other keys. There is no order between changes of
 * different rows (with concurrency 1 the whole batch runs in partition order). A batch's offsets
 * are committed only once every group of every subprocessor has finished. The same instance serves
 * every group, every topic it is enabled for and dead-letter re-drives, all possibly at the same
 * time, so implementations must be thread-safe.
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
   * subprocessor only; the retries hold up only the change's own ordering group. A later change of
   * the same key still follows, in order, after the dead-lettered one (the dead letter can be
   * re-driven; subprocessors act on state, so the newer change is not wrong to apply). Called
   * concurrently for different keys.
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
   * default, means no coalescing. Also the ordering key: changes with the same non-null coalescing
   * key are never processed concurrently; with {@code null}, the row's key orders instead. Called
   * from the subprocessor's worker thread; must be cheap, deterministic and side-effect free.
   */
  default String coalescingKey(ChangeEvent event) {
    return null;
  }
}
