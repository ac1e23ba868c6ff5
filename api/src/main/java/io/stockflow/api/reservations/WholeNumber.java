package io.stockflow.api.reservations;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.JsonDeserializer;
import java.io.IOException;

/**
 * Strict JSON integers for counts of units. Jackson's default coerces {@code 2.9} to {@code 2} and
 * {@code "2"} to {@code 2} (ACCEPT_FLOAT_AS_INT): a buyer asking for 2.9 units would silently get
 * 2. Only a JSON integer token is accepted; anything else fails binding, which the API answers with
 * 400. (Per field rather than globally: the platform's ObjectMapper also decodes changefeed JSON.)
 */
final class WholeNumber {
  private WholeNumber() {}

  private static long integer(JsonParser p, DeserializationContext ctx) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      return (Long)
          ctx.handleUnexpectedToken(
              Long.class,
              p.currentToken(),
              p,
              "must be a whole number (a JSON integer), got %s",
              p.getText());
    }
    if (p.getNumberType() == JsonParser.NumberType.BIG_INTEGER) {
      return (Long) ctx.handleWeirdNumberValue(Long.class, p.getNumberValue(), "out of range");
    }
    return p.getLongValue();
  }

  /** For {@code Long} fields. */
  static final class AsLong extends JsonDeserializer<Long> {
    @Override
    public Long deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      return integer(p, ctx);
    }
  }

  /** For {@code Integer} fields: also refuses values beyond int range instead of wrapping. */
  static final class AsInteger extends JsonDeserializer<Integer> {
    @Override
    public Integer deserialize(JsonParser p, DeserializationContext ctx) throws IOException {
      long v = integer(p, ctx);
      if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
        return (Integer) ctx.handleWeirdNumberValue(Integer.class, v, "out of range");
      }
      return (int) v;
    }
  }
}
