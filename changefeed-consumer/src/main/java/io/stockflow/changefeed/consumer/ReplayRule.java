package io.stockflow.changefeed.consumer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;

/**
 * DashMart's replay convention: {@code UPDATE t SET last_updated = now() WHERE …} re-emits rows,
 * and an update whose before and after images differ in nothing but the replay column is an
 * operator's request to run every subscribed subprocessor again. An update that changed nothing at
 * all counts as a replay too (it is a touch). A column missing from one image equals a NULL one, so
 * a column added by a schema change mid-flight does not turn an ordinary update into a replay or
 * vice versa. Stateless and thread-safe.
 */
final class ReplayRule {
  /** The column stockflow's tables touch to request a replay. */
  public static final String DEFAULT_COLUMN = "last_updated";

  private final String column;

  public ReplayRule(String column) {
    this.column = Objects.requireNonNull(column, "replay column");
  }

  public String column() {
    return column;
  }

  /**
   * True when both images are present and differ at most in the replay column.
   *
   * @param before the row before the update, may be null (then it is not a replay)
   * @param after the row after the update, may be null (then it is not a replay)
   */
  public boolean isReplay(ObjectNode before, ObjectNode after) {
    if (before == null || after == null) return false;
    Set<String> columns = new HashSet<>();
    before.fieldNames().forEachRemaining(columns::add);
    after.fieldNames().forEachRemaining(columns::add);
    for (String c : columns) {
      if (c.equals(column)) continue;
      if (!Objects.equals(valueOrNull(before.get(c)), valueOrNull(after.get(c)))) return false;
    }
    return true;
  }

  private static JsonNode valueOrNull(JsonNode n) {
    return n == null || n.isNull() ? null : n;
  }
}
