package io.stockflow.changefeed.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * Tells what an update with both images is: an ordinary change, an operator's replay request, or a
 * row the feed re-emitted without its data changing (a schema-change backfill). Stateless and
 * thread-safe.
 *
 * <p>Replay, DashMart's convention: {@code UPDATE t SET last_updated = now() WHERE …} re-emits
 * rows, and an update in which the replay column changed and nothing else did asks every subscribed
 * subprocessor to act again.
 *
 * <p>Backfill: with {@code schema_change_policy=backfill} CockroachDB re-emits every row of a table
 * after {@code ALTER TABLE … ADD COLUMN … DEFAULT} or {@code DROP COLUMN}, stamped with the schema
 * change's timestamp. With {@code diff} such a message carries both images of the unchanged row
 * (CockroachDB's {@code pkg/ccl/changefeedccl}): {@code kvfeed/kv_feed.go} {@code scanIfShould}
 * scans with {@code WithDiff: !isInitialScan && f.withDiff}, so a schema-change scan has diff and
 * an initial scan has not; {@code kvfeed/scanner.go} {@code slurpScanResponse} (l. 244-249 at
 * 74e17666) sets {@code prevVal = kv.Value}, "the same value for the before and after KV, but
 * interpret them at different timestamp"; {@code event_processing.go} {@code ConsumeEvent} (l.
 * 305-325 at 7d6f15d9) decodes after at the backfill timestamp and before at {@code
 * schemaTimestamp.Prev()}, and the message's {@code updated} is that backfill timestamp. So the
 * images differ only in the column that was added (present in after only) or dropped (present in
 * before only), and {@code last_updated} is the same on both sides. CockroachDB's legacy schema
 * changer (where the declarative one is off or does not cover the statement) also rewrites every
 * row in place before the new column is public, which the feed delivers as updates whose two images
 * are identical ({@code TestChangefeedSchemaChangeAllowBackfill_Legacy} in {@code
 * changefeed_schema_test.go}: the "schema change backfill" rows before the "changefeed level
 * backfill"). Both are {@link Kind#BACKFILL}: nothing to react to.
 *
 * <p>Only the columns present in both images are compared: a column missing from one side is a
 * schema difference, never read as NULL. This rule once read it as NULL and called identical images
 * a replay: an added column with a value was then an ordinary change, a dropped NULL column or an
 * in-place rewrite a replay, and either way every row of the table triggered reactions.
 */
final class ReplayRule {
  /** The column stockflow's tables touch to request a replay. */
  public static final String DEFAULT_COLUMN = "last_updated";

  /** What an update with both images is. */
  enum Kind {
    /** A column present in both images changed, not only the replay column. */
    CHANGE,
    /** The replay column changed and no other column present in both images did. */
    REPLAY,
    /**
     * No column present in both images changed: a schema-change backfill (a column added or
     * dropped, or an in-place rewrite), or a write that changed nothing.
     */
    BACKFILL
  }

  private final String column;

  public ReplayRule(String column) {
    this.column = Objects.requireNonNull(column, "replay column");
  }

  public String column() {
    return column;
  }

  /**
   * @param before the row before the update, not null
   * @param after the row after the update, not null
   */
  public Kind classify(ObjectNode before, ObjectNode after) {
    Objects.requireNonNull(before, "before");
    Objects.requireNonNull(after, "after");
    boolean replayColumnChanged = false;
    for (Iterator<Map.Entry<String, JsonNode>> it = before.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> c = it.next();
      JsonNode now = after.get(c.getKey());
      if (now == null || now.equals(c.getValue())) continue; // absent on one side, or equal
      if (!c.getKey().equals(column)) return Kind.CHANGE;
      replayColumnChanged = true;
    }
    return replayColumnChanged ? Kind.REPLAY : Kind.BACKFILL;
  }
}
