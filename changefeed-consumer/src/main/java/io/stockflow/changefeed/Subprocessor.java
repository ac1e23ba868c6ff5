package io.stockflow.changefeed;

import java.time.Duration;
import java.util.List;

/**
 * One reaction to row changes, plugged into the changefeed consumer. Implementations are beans;
 * {@link #name()} is what the table's line of the configuration lists ({@code
 * stockflow.changefeed.tables.<table>: [names…]}), log tag and metric tag.
 *
 * <p>The framework owns everything else: decoding, skipping stale and duplicate messages (HLC fence
 * per subprocessor and key), retries with backoff, dead letters, replay, coalescing, waiting for
 * resolved timestamps, logging and metrics.
 *
 * <p>Threading and order: each subprocessor consumes a topic on its own <em>lane</em> (its own
 * queue and thread), at its own pace, so a slow or failing subprocessor never delays another. The
 * guarantees are <em>per key</em>, as the changefeed's are. Within a lane's batch, the accepted
 * changes (after filter, fence, pause, deferral and coalescing) are split into ordering groups: the
 * changes with the same {@link #coalescingKey} when it is non-null (it names the downstream
 * workflow), else those of the same row (message key); groups linked by a common row are merged.
 * Changes of one group are processed one after another in partition (offset) order; different
 * groups run concurrently, up to the configured {@code subprocessorConcurrency} (default 8), on
 * threads dedicated to that subprocessor, so a slow or failing key does not hold up the
 * subprocessor's other keys. There is no order between changes of different rows (with concurrency
 * 1 the whole batch runs in partition order). With {@link #maxBatchSize()} above 1, {@link
 * #processBatch} gets the batch in chunks instead, on the lane's thread. An offset is committed
 * only once every lane has finished it. The same instance serves every group, every topic it is
 * enabled for and dead-letter re-drives, all possibly at the same time, so implementations must be
 * thread-safe.
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
   * The most changes {@link #processBatch} takes at once. {@code 1}, the default, is the simple
   * path: the framework calls {@link #process} per change, different keys concurrently. Above 1 the
   * framework hands the subprocessor's accepted changes (after filter, fence, pause, deferral and
   * coalescing) to {@link #processBatch} in chunks of at most this many, one chunk after another in
   * partition order, on the subprocessor's own thread.
   */
  default int maxBatchSize() {
    return 1;
  }

  /**
   * How long the subprocessor's lane may wait, from the oldest change it holds, to gather a larger
   * batch before handling it (only when {@link #maxBatchSize()} is above 1; a full batch goes at
   * once). Trades that much latency for fewer downstream calls: a subprocessor that signals a fixed
   * set of workflows once per batch makes at most one call per workflow per linger. Default zero:
   * handle whatever has arrived.
   */
  default Duration batchLinger() {
    return Duration.ZERO;
  }

  /**
   * Reacts to several changes at once: a multi-row insert, or one signal per workflow carrying all
   * of the chunk's changes for it. Called only when {@link #maxBatchSize()} is above 1. The changes
   * are in partition order, so one key's changes are in order; changes of different keys are not
   * ordered against each other. Must be idempotent like {@link #process}, and all-or-nothing is not
   * required: throwing makes the framework retry the chunk with the retry policy and, if it still
   * fails, fall back to {@link #process} per change with retries, so only the changes that fail on
   * their own are dead-lettered. The default calls {@link #process} for each change in order.
   *
   * @param events never empty, at most {@link #maxBatchSize()} changes
   */
  default void processBatch(List<ChangeEvent> events) throws Exception {
    for (ChangeEvent e : events) process(e);
  }

  /**
   * Whether a failure means that a dependency is down (database, Temporal, network) rather than
   * that this change is bad. When {@link #process} or {@link #processBatch} still fails after its
   * retries with an outage, the framework does not dead-letter good changes: the subprocessor's
   * lane stops, keeps its changes, and retries them with backoff until the dependency is back; the
   * other subprocessors go on. The default recognises refused connections, JDBC connection failures
   * (SQLSTATE class 08, {@code SQLTransientConnectionException}) and gRPC {@code UNAVAILABLE} /
   * {@code DEADLINE_EXCEEDED} anywhere in the cause chain.
   */
  default boolean isOutage(Throwable failure) {
    return Outages.isOutage(failure);
  }

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
   * Opt in to see {@link Operation#BACKFILL} changes: rows the feed re-emitted without their data
   * changing, e.g. every row of a table after CockroachDB's {@code ADD COLUMN … DEFAULT} or {@code
   * DROP COLUMN}. Useful to a subprocessor that mirrors whole rows elsewhere and wants the new
   * column's values; a reaction to changes has nothing to do. Default false: the framework skips
   * them for this subprocessor (counted as {@code stockflow.changefeed.skipped.backfill}) and their
   * offsets complete as usual.
   */
  default boolean receivesBackfill() {
    return false;
  }

  /**
   * Groups changes bound for the same downstream call, e.g. the workflow ID. Within one poll batch,
   * of the accepted changes with the same non-null key only the newest (by {@code updated}) reaches
   * {@link #process}; the older ones count as handled (their fences advance). {@code null}, the
   * default, means no coalescing. Also the ordering key: changes with the same non-null coalescing
   * key are never processed concurrently; with {@code null}, the row's key orders instead. Called
   * from the subprocessor's lane thread; must be cheap, deterministic and side-effect free.
   */
  default String coalescingKey(ChangeEvent event) {
    return null;
  }
}
