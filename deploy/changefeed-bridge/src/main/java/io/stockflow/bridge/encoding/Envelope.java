package io.stockflow.bridge.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockflow.db.changefeed.Hlc;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * The message shapes of a CockroachDB changefeed with {@code format=json, envelope=wrapped,
 * updated, diff, resolved}, as pinned by CockroachDB's {@code TestEncoders}
 * (pkg/ccl/changefeedccl/encoder_test.go):
 *
 * <pre>
 * key      [1]                                                          (JSON array of PK values)
 * insert   {"after": {"a": 1, "b": "bar"}, "before": null, "updated": "1.0000000002"}
 * delete   {"after": null, "before": {"a": 1, "b": "bar"}, "updated": "1.0000000002"}
 * resolved {"resolved":"1.0000000002"}                                   (null key)
 * </pre>
 *
 * Keys and row values go through CockroachDB's JSON formatter ({@link CrdbJson}: {@code ", "},
 * {@code ": "}, sorted keys); the resolved payload is produced by Go's {@code encoding/json} in
 * CockroachDB and is therefore compact. Stateless and thread-safe.
 */
public final class Envelope {
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);

  private Envelope() {}

  /**
   * The message key: the primary-key values in primary-key order.
   *
   * @param row the encoded row (after image, or before image for deletes)
   */
  public static byte[] key(List<String> primaryKey, Map<String, JsonNode> row) {
    ArrayNode key = NODES.arrayNode();
    for (String column : primaryKey) {
      JsonNode v = row.get(column);
      if (v == null)
        throw new IllegalArgumentException("primary-key column " + column + " is not in the row");
      key.add(v);
    }
    return CrdbJson.formatBytes(key);
  }

  /**
   * A wrapped row message.
   *
   * @param before the previous row, null for inserts
   * @param after the new row, null for deletes
   * @param updated the HLC text of the commit, see {@link #hlc}
   */
  public static byte[] value(
      Map<String, JsonNode> before, Map<String, JsonNode> after, String updated) {
    ObjectNode v = NODES.objectNode();
    v.set("after", row(after));
    v.set("before", row(before));
    v.put("updated", updated);
    return CrdbJson.formatBytes(v);
  }

  /** A resolved message payload. */
  public static byte[] resolved(String hlc) {
    return ("{\"resolved\":\"" + hlc + "\"}").getBytes(StandardCharsets.UTF_8);
  }

  /** CockroachDB's HLC text ({@link Hlc}): wall-clock nanoseconds, a dot, 10 logical digits. */
  public static String hlc(long wallNanos, int logical) {
    return new Hlc(wallNanos, logical).toString();
  }

  /** The HLC text of an instant with logical 0. */
  public static String hlc(Instant t) {
    return Hlc.of(t).toString();
  }

  private static JsonNode row(Map<String, JsonNode> row) {
    if (row == null) return NODES.nullNode();
    ObjectNode o = NODES.objectNode();
    row.forEach(o::set);
    return o;
  }
}
