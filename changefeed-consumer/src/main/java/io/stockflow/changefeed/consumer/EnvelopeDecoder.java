package io.stockflow.changefeed.consumer;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;
import io.stockflow.db.changefeed.ChangefeedJson;
import java.io.IOException;
import java.util.Objects;

/**
 * Decodes CockroachDB changefeed messages ({@code envelope=wrapped, format=json, updated, diff,
 * resolved}) into {@link DecodedMessage}s. Unknown envelope fields and unknown columns are ignored
 * (schema evolution); only a message that cannot be understood at all is rejected. Stateless and
 * thread-safe.
 *
 * <p>Rules: a value with a {@code resolved} field is a resolved timestamp (its key is ignored; it
 * is null on the wire). Otherwise the key must be a JSON array, {@code updated} an HLC string, and
 * {@code after} an object or null; {@code before} may be an object, null or absent (a feed without
 * {@code diff}). The operation follows from which images are present: no before = insert (or an
 * update on a feed without diff), no after = delete; with both, {@link ReplayRule} tells an update
 * (maybe a replay request) from a backfill, a row re-emitted without its data changing.
 */
final class EnvelopeDecoder {
  private final ObjectMapper json;
  private final ReplayRule replayRule;

  public EnvelopeDecoder(ObjectMapper json, ReplayRule replayRule) {
    this.json = Objects.requireNonNull(json, "json");
    this.replayRule = Objects.requireNonNull(replayRule, "replayRule");
  }

  /** With the default replay column {@code last_updated}. */
  public EnvelopeDecoder() {
    this(ChangefeedJson.mapper(), new ReplayRule(ReplayRule.DEFAULT_COLUMN));
  }

  /**
   * @param key the raw message key, may be null (resolved messages)
   * @param value the raw message value, may be null (then undecodable)
   * @throws UndecodableMessageException with a reason fit for the dead-letter record
   */
  public DecodedMessage decode(String topic, int partition, long offset, byte[] key, byte[] value)
      throws UndecodableMessageException {
    if (value == null || value.length == 0)
      throw new UndecodableMessageException(
          "empty value (a tombstone is not a changefeed message)");
    JsonNode root = parse(value, "value");
    if (!root.isObject())
      throw new UndecodableMessageException(
          "value is JSON " + root.getNodeType() + ", not an object");

    JsonNode resolved = root.get("resolved");
    if (resolved != null)
      return new DecodedMessage.Resolved(topic, partition, offset, hlc(resolved, "resolved"));

    if (key == null) throw new UndecodableMessageException("key is missing (null)");
    JsonNode keyNode = parse(key, "key");
    if (!(keyNode instanceof ArrayNode keyArray) || keyArray.isEmpty())
      throw new UndecodableMessageException("key is not a non-empty JSON array: " + keyNode);

    JsonNode updatedNode = root.get("updated");
    if (updatedNode == null)
      throw new UndecodableMessageException(
          "no \"updated\" field (the changefeed must be created WITH updated)");
    Hlc updated = hlc(updatedNode, "updated");

    ObjectNode after = image(root, "after");
    ObjectNode before = image(root, "before");
    if (after == null && !root.has("after") && before == null)
      throw new UndecodableMessageException(
          "neither \"after\" nor \"before\": not a wrapped envelope");

    ReplayRule.Kind kind =
        after == null || before == null ? null : replayRule.classify(before, after);
    Operation op =
        after == null
            ? Operation.DELETE
            : before == null
                ? Operation.INSERT
                : kind == ReplayRule.Kind.BACKFILL ? Operation.BACKFILL : Operation.UPDATE;
    boolean replay = kind == ReplayRule.Kind.REPLAY;
    return new DecodedMessage.Change(
        new ChangeEvent(topic, partition, offset, keyArray, before, after, updated, op, replay));
  }

  private JsonNode parse(byte[] bytes, String what) throws UndecodableMessageException {
    try {
      JsonNode node = json.readTree(bytes);
      if (node == null || node.isMissingNode())
        throw new UndecodableMessageException(what + " is empty");
      return node;
    } catch (JsonProcessingException e) {
      throw new UndecodableMessageException(what + " is not JSON: " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new UndecodableMessageException(what + " cannot be read: " + e.getMessage(), e);
    }
  }

  private static Hlc hlc(JsonNode node, String field) throws UndecodableMessageException {
    if (!node.isTextual())
      throw new UndecodableMessageException(
          "\"" + field + "\" is " + node.getNodeType() + ", not an HLC string");
    try {
      return Hlc.parse(node.asText());
    } catch (IllegalArgumentException e) {
      throw new UndecodableMessageException("\"" + field + "\": " + e.getMessage(), e);
    }
  }

  private static ObjectNode image(JsonNode root, String field) throws UndecodableMessageException {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) return null;
    if (n instanceof ObjectNode o) return o;
    throw new UndecodableMessageException(
        "\"" + field + "\" is " + n.getNodeType() + ", not a row object");
  }
}
