package io.stockflow.api.reservations;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import java.io.IOException;

/**
 * Strict JSON integers for counts of units. Jackson's default coerces {@code 2.9} to {@code 2} and
 * {@code "2"} to {@code 2} (ACCEPT_FLOAT_AS_INT, scalar coercion): a buyer asking for 2.9 units
 * would silently get 2. Here only a JSON integer token is accepted; anything else fails binding,
 * which the API answers with 400.
 *
 * <p>Why whole-object deserializers instead of {@code @JsonDeserialize} on the record components:
 * Micronaut binds {@code @Introspected} records through its bean-introspection module, which does
 * not apply per-property deserializers (the first attempt silently kept rounding), while a
 * class-level {@code using} is looked up by Jackson before any bean deserializer is built. And why
 * not globally: the platform's ObjectMapper also decodes changefeed JSON of other modules.
 */
final class WholeNumber {
  private WholeNumber() {}

  /** The field's whole-number value; null when absent or JSON null (bean validation reports it). */
  static Long longField(JsonNode object, String field, JsonParser p) throws IOException {
    JsonNode n = object.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isIntegralNumber() || !n.canConvertToLong()) {
      throw InvalidFormatException.from(
          p,
          field + ": must be a whole number (a JSON integer), got " + n,
          n.toString(),
          Long.class);
    }
    return n.longValue();
  }

  /** As {@link #longField}, within int range. */
  static Integer intField(JsonNode object, String field, JsonParser p) throws IOException {
    Long v = longField(object, field, p);
    if (v == null) return null;
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw InvalidFormatException.from(
          p, field + ": out of range, got " + v, v.toString(), Integer.class);
    }
    return v.intValue();
  }

  /** The field's text; null when absent or JSON null; a number or boolean is refused. */
  static String textField(JsonNode object, String field, JsonParser p) throws IOException {
    JsonNode n = object.get(field);
    if (n == null || n.isNull()) return null;
    if (!n.isTextual()) {
      throw InvalidFormatException.from(
          p, field + ": must be a string, got " + n, n.toString(), String.class);
    }
    return n.textValue();
  }

  private static JsonNode object(JsonParser p, DeserializationContext ctx, Class<?> type)
      throws IOException {
    JsonNode node = p.readValueAsTree();
    if (node == null || !node.isObject()) {
      return (JsonNode) ctx.handleUnexpectedToken(type, p);
    }
    return node;
  }

  /** {@code {lineNo, sku, quantity}} with whole numbers only. */
  static final class LineDeserializer extends JsonDeserializer<ReserveRequest.Line> {
    @Override
    public ReserveRequest.Line deserialize(JsonParser p, DeserializationContext ctx)
        throws IOException {
      JsonNode o = object(p, ctx, ReserveRequest.Line.class);
      return new ReserveRequest.Line(
          intField(o, "lineNo", p), textField(o, "sku", p), longField(o, "quantity", p));
    }
  }

  /** {@code {maxPerCustomer}} with a whole number only. */
  static final class SetLimitDeserializer
      extends JsonDeserializer<PurchaseLimitController.SetLimit> {
    @Override
    public PurchaseLimitController.SetLimit deserialize(JsonParser p, DeserializationContext ctx)
        throws IOException {
      JsonNode o = object(p, ctx, PurchaseLimitController.SetLimit.class);
      return new PurchaseLimitController.SetLimit(longField(o, "maxPerCustomer", p));
    }
  }
}
