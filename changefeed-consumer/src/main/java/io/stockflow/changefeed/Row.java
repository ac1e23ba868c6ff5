package io.stockflow.changefeed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.Objects;
import java.util.Optional;

/**
 * Typed, read-only access to a row image in CockroachDB's JSON encoding. Columns the caller does
 * not ask for are ignored, so a table may gain columns without breaking any reader; asking for a
 * column that is absent or of the wrong JSON type fails with a message naming it.
 */
public final class Row {
  private final ObjectNode json;

  public Row(ObjectNode json) {
    this.json = Objects.requireNonNull(json, "row json");
  }

  public ObjectNode json() {
    return json;
  }

  public boolean has(String column) {
    return json.hasNonNull(column);
  }

  public String string(String column) {
    JsonNode n = required(column);
    if (!n.isTextual()) throw wrongType(column, "a string", n);
    return n.asText();
  }

  public long longValue(String column) {
    JsonNode n = required(column);
    if (!n.isIntegralNumber()) throw wrongType(column, "an integer", n);
    return n.asLong();
  }

  public boolean bool(String column) {
    JsonNode n = required(column);
    if (!n.isBoolean()) throw wrongType(column, "a boolean", n);
    return n.asBoolean();
  }

  /** DECIMAL columns: CockroachDB encodes them as JSON numbers. */
  public BigDecimal decimal(String column) {
    JsonNode n = required(column);
    if (!n.isNumber()) throw wrongType(column, "a number", n);
    return n.decimalValue();
  }

  /** TIMESTAMPTZ columns, or empty when NULL. */
  public Optional<Instant> instant(String column) {
    JsonNode n = json.get(column);
    if (n == null || n.isNull()) return Optional.empty();
    if (!n.isTextual()) throw wrongType(column, "a timestamp string", n);
    return Optional.of(OffsetDateTime.parse(n.asText()).toInstant());
  }

  private JsonNode required(String column) {
    JsonNode n = json.get(column);
    if (n == null || n.isNull())
      throw new IllegalArgumentException("column \"" + column + "\" is missing or NULL");
    return n;
  }

  private static IllegalArgumentException wrongType(String column, String expected, JsonNode n) {
    return new IllegalArgumentException(
        "column \"" + column + "\" should be " + expected + " but is " + n.getNodeType() + " " + n);
  }

  @Override
  public String toString() {
    return json.toString();
  }
}
