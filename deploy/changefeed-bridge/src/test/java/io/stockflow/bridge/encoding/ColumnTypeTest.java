package io.stockflow.bridge.encoding;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Each type as CockroachDB's {@code tree.AsJSON(d, dcc, time.UTC)} renders it
 * (pkg/sql/sem/tree/datum.go), from the value shapes Debezium delivers with the bridge's settings.
 */
class ColumnTypeTest {
  static String enc(String pgType, Object value) {
    return CrdbJson.format(ColumnType.forPgType(pgType).orElseThrow().fromDebezium(value));
  }

  @Test
  void timestamptzIsGoRfc3339nanoInUtc() {
    // DTimestampTZ: t.Time.In(loc).Format(time.RFC3339Nano), loc = UTC.
    assertThat(enc("timestamptz", "2023-11-27T16:25:11.425045Z"))
        .isEqualTo("\"2023-11-27T16:25:11.425045Z\"");
    assertThat(enc("timestamptz", "2024-02-29T23:59:59+02:00"))
        .isEqualTo("\"2024-02-29T21:59:59Z\"");
    assertThat(enc("timestamptz", "2024-03-01T00:00:00.500Z"))
        .isEqualTo("\"2024-03-01T00:00:00.5Z\"");
    assertThat(ColumnType.rfc3339Nano(Instant.parse("0001-01-01T00:00:00.000001Z")))
        .isEqualTo("0001-01-01T00:00:00.000001Z");
    assertThatThrownBy(() -> enc("timestamptz", "infinity"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void decimalIsANumberWithItsOwnScaleAndNonFiniteValuesAreStrings() {
    // DDecimal: json.FromDecimal(t.Decimal); jsonNumber.Format quotes a non-finite value.
    assertThat(enc("numeric", "12.50")).isEqualTo("12.50");
    assertThat(enc("numeric", "0.00")).isEqualTo("0.00");
    assertThat(enc("numeric", "-1234567890.05")).isEqualTo("-1234567890.05");
    assertThat(enc("numeric", "NaN")).isEqualTo("\"NaN\"");
    assertThat(enc("numeric", "Infinity")).isEqualTo("\"Infinity\"");
    assertThat(enc("numeric", "-Infinity")).isEqualTo("\"-Infinity\"");
    assertThatThrownBy(() -> enc("numeric", "12,5")).hasMessageContaining("12,5");
  }

  @Test
  void intsBoolsStringsUuids() {
    assertThat(enc("int8", 9223372036854775807L)).isEqualTo("9223372036854775807");
    assertThat(enc("INT4", 42)).isEqualTo("42");
    assertThat(enc("int2", (short) -3)).isEqualTo("-3");
    assertThat(enc("bool", true)).isEqualTo("true");
    assertThat(enc("text", "Jerky \"T\" \\ 3oz\nß→\u0001"))
        .isEqualTo("\"Jerky \\\"T\\\" \\\\ 3oz\\nß→\\u0001\"");
    assertThat(enc("uuid", "a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11"))
        .isEqualTo("\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"");
  }

  @Test
  void jsonbIsEmbeddedWithBytewiseSortedKeysAndExactNumbers() {
    // PostgreSQL's jsonb text orders keys by length; CockroachDB's JSON objects are sorted.
    assertThat(
            enc(
                "jsonb",
                "{\"b\": 1, \"aa\": [true, null, 1.50], \"a\": {\"z\": \"x\", \"é\": \"ü\"}}"))
        .isEqualTo("{\"a\": {\"z\": \"x\", \"é\": \"ü\"}, \"aa\": [true, null, 1.50], \"b\": 1}");
    assertThat(enc("jsonb", "123456789012345678901234567890"))
        .isEqualTo("123456789012345678901234567890");
  }

  @Test
  void typesWithoutACockroachdbEncodingAreRefused() {
    assertThat(ColumnType.forPgType("point")).isEmpty();
    assertThat(ColumnType.forPgType("interval")).isEmpty();
    assertThat(ColumnType.forPgType("_int8")).isEmpty();
    assertThat(ColumnType.forPgType("bytea")).isEmpty();
  }
}
