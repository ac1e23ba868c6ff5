package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Hlc;
import io.stockflow.db.Transactions;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * What the platform does with the consumer's own tables outside a running processor: retention of
 * fences and settled dead letters, and the consumed mark a recreated changefeed starts from. Every
 * method is one short statement or a paged delete; thread-safe.
 */
public final class ChangefeedTables {
  private ChangefeedTables() {}

  /**
   * Deletes fences no change advanced since {@code cutoff}. Keep the cutoff above the changefeed
   * topics' retention, so no message older than a deleted fence can still arrive.
   *
   * @return how many were deleted
   */
  public static long deleteFencesUntouchedSince(Transactions tx, Instant cutoff, int pageSize) {
    return new FenceStore(tx).deleteUntouchedSince(cutoff, pageSize);
  }

  /**
   * Deletes dead letters that settled (re-driven or resolved) before {@code cutoff}; pending ones
   * stay whatever their age.
   *
   * @return how many were deleted
   */
  public static long deleteDeadLettersSettledBefore(Transactions tx, Instant cutoff, int pageSize) {
    return DeadLetters.deleteSettledBefore(tx, cutoff, pageSize);
  }

  /**
   * The consumed mark of a whole feed for {@code groupId}: every change at or below it has been
   * handled and committed on every partition of every topic the group consumes, so a changefeed
   * recreated with this {@code cursor} loses nothing. Empty while some partition of a consumed
   * topic has no stored mark yet; topics without any mark of the group (not consumed) do not count.
   *
   * @param partitionsByTopic topic -> its partition count
   */
  public static Optional<Hlc> consumedMark(
      Transactions tx, String groupId, Map<String, Integer> partitionsByTopic) {
    return ConsumedMarks.feedMark(tx, groupId, partitionsByTopic);
  }
}
