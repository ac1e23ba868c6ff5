package io.stockflow.changefeed.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.changefeed.Hlc;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The fixture builder against CockroachDB's own expectations: {@code TestEncoders} in {@code
 * pkg/ccl/changefeedccl/encoder_test.go}, case {@code format=json,envelope=wrapped,updated,diff},
 * table {@code foo (a INT PRIMARY KEY, b STRING)}, row {@code (1, 'bar')}, {@code
 * hlc.Timestamp{WallTime: 1, Logical: 2}}.
 */
class EnvelopesTest {
  private static final Hlc TS = new Hlc(1, 2);

  private static String foo() {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("b", "bar"); // out of order on purpose: CockroachDB sorts the columns
    row.put("a", 1);
    return Envelopes.row(row);
  }

  @Test
  void insertDeleteAndResolvedAreTestEncodersStrings() {
    assertThat(Envelopes.change(foo(), "null", TS))
        .isEqualTo(
            "{\"after\": {\"a\": 1, \"b\": \"bar\"}, \"before\": null, \"updated\": \"1.0000000002\"}");
    assertThat(Envelopes.change("null", foo(), TS))
        .isEqualTo(
            "{\"after\": null, \"before\": {\"a\": 1, \"b\": \"bar\"}, \"updated\": \"1.0000000002\"}");
    assertThat(Envelopes.resolved(TS)).isEqualTo("{\"resolved\":\"1.0000000002\"}");
  }

  @Test
  void compositeKeysUseCockroachdbSpacingAndTheEventKeyIsCompact() {
    assertThat(Envelopes.key("JERKY-TERIYAKI-3OZ", "SEA1"))
        .isEqualTo("[\"JERKY-TERIYAKI-3OZ\", \"SEA1\"]");
    assertThat(Envelopes.keyString("JERKY-TERIYAKI-3OZ", "SEA1"))
        .isEqualTo("[\"JERKY-TERIYAKI-3OZ\",\"SEA1\"]");
  }

  @Test
  void timestamptzIsRfc3339NanoInUtcWithoutTrailingZeros() {
    assertThat(Envelopes.timestamptz(Instant.parse("2023-11-27T16:25:11.425045Z")))
        .isEqualTo("2023-11-27T16:25:11.425045Z");
    assertThat(Envelopes.timestamptz(Instant.parse("2023-11-27T16:25:11.500Z")))
        .isEqualTo("2023-11-27T16:25:11.5Z");
    assertThat(Envelopes.timestamptz(Instant.parse("2023-11-27T16:25:10Z")))
        .isEqualTo("2023-11-27T16:25:10Z");
    // TIMESTAMPTZ keeps microseconds.
    assertThat(Envelopes.timestamptz(Instant.parse("2023-11-27T16:25:11.000001999Z")))
        .isEqualTo("2023-11-27T16:25:11.000001Z");
  }

  @Test
  void theStandardRowIsSortedWithItsTimestamp() {
    Hlc t = Hlc.of(Instant.parse("2023-11-27T16:25:11.425045Z"));
    assertThat(Envelopes.row("JERKY", "SEA1", 3, "", t))
        .isEqualTo(
            "{\"last_updated\": \"2023-11-27T16:25:11.425045Z\", \"location_id\": \"SEA1\","
                + " \"note\": \"\", \"qty\": 3, \"sku\": \"JERKY\"}");
  }
}
