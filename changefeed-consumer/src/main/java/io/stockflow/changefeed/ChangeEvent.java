package io.stockflow.changefeed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import java.util.Optional;

/**
 * One decoded row change from a changefeed topic. Immutable and safe to share between threads.
 *
 * @param topic source topic (one per table)
 * @param partition source partition
 * @param offset source offset
 * @param key the primary-key values, a JSON array, e.g. {@code ["JERKY-TERIYAKI-3OZ","SEA1"]}
 * @param before the row before the change; {@code null} for an insert (or when the feed has no
 *     diff)
 * @param after the row after the change; {@code null} for a delete
 * @param updated commit timestamp of the change
 * @param operation insert, update, delete, or a backfill (a re-emitted row whose data did not
 *     change, see {@link Operation#BACKFILL})
 * @param replay true when the update changed {@code last_updated} and nothing else: an operator's
 *     replay request, which every subscribed subprocessor handles again
 */
public record ChangeEvent(
    String topic,
    int partition,
    long offset,
    ArrayNode key,
    ObjectNode before,
    ObjectNode after,
    Hlc updated,
    Operation operation,
    boolean replay) {

  public ChangeEvent {
    Objects.requireNonNull(topic, "topic");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(updated, "updated");
    Objects.requireNonNull(operation, "operation");
  }

  /** The key as one stable string (its compact JSON), used for fences, logs and workflow IDs. */
  public String keyString() {
    return key.toString();
  }

  /** The key's {@code i}-th value as text. */
  public String keyPart(int i) {
    return key.get(i).asText();
  }

  public Optional<Row> beforeRow() {
    return Optional.ofNullable(before).map(Row::new);
  }

  public Optional<Row> afterRow() {
    return Optional.ofNullable(after).map(Row::new);
  }

  /**
   * True when {@code column} differs between before and after, including when it is present in only
   * one of them (a backfill's added or dropped column). Always true for inserts, deletes and replay
   * requests: a replay asks every subscribed subprocessor to act again, so a filter on changed
   * columns must let it through.
   */
  public boolean changed(String column) {
    if (replay || before == null || after == null) return true;
    JsonNode b = before.get(column);
    JsonNode a = after.get(column);
    return !Objects.equals(b, a);
  }
}
