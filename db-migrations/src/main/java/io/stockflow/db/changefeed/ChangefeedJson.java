package io.stockflow.db.changefeed;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * The JSON of changefeed messages, shared by the side that writes them (the PostgreSQL bridge) and
 * the side that reads them (the consumer's decoder). It differs from {@link io.stockflow.db.Json}
 * in its numbers: CockroachDB encodes DECIMAL columns and JSONB numbers as exact decimals, so
 * {@code 12345678901234567.89} and the trailing zero of {@code 1.50} must survive reading, which
 * Jackson's default (a double) would lose.
 */
public final class ChangefeedJson {
  private ChangefeedJson() {}

  /** A new mapper for changefeed JSON; thread-safe, keep it in a field. */
  public static ObjectMapper mapper() {
    return JsonMapper.builder()
        .nodeFactory(JsonNodeFactory.withExactBigDecimals(true))
        .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
        .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
        .build();
  }
}
