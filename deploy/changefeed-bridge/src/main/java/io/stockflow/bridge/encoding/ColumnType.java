package io.stockflow.bridge.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.stockflow.db.changefeed.ChangefeedJson;
import java.math.BigDecimal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The PostgreSQL column types the bridge encodes, each exactly as CockroachDB's JSON changefeed
 * encodes the corresponding CockroachDB type ({@code tree.AsJSON(datum, …, time.UTC)} in {@code
 * pkg/sql/sem/tree/datum.go}, called from {@code pkg/ccl/changefeedccl/encoder_json.go}):
 *
 * <ul>
 *   <li>TEXT / VARCHAR / CHAR (STRING): a JSON string;
 *   <li>INT2 / INT4 / INT8 (INT): a JSON number;
 *   <li>NUMERIC (DECIMAL): a JSON <em>number</em> with the value's own scale ({@code
 *       json.FromDecimal}), e.g. {@code 12.50}; NaN and ±Infinity, which JSON numbers cannot hold,
 *       are the strings {@code "NaN"}, {@code "Infinity"}, {@code "-Infinity"} ({@code
 *       jsonNumber.Format} in {@code pkg/util/json/json.go} quotes a non-finite {@code
 *       apd.Decimal}'s {@code String()});
 *   <li>BOOL: {@code true}/{@code false};
 *   <li>UUID: the canonical lower-case string;
 *   <li>TIMESTAMPTZ: {@code t.In(UTC).Format(time.RFC3339Nano)}, e.g. {@code
 *       "2023-11-27T16:25:11.425045Z"} (UTC, {@code Z}, trailing fractional zeros and an empty
 *       fraction dropped);
 *   <li>JSONB / JSON: the document embedded as JSON (not a string), re-sorted the CockroachDB way
 *       by {@link CrdbJson}.
 * </ul>
 *
 * Any other type is refused ({@link #forPgType} is empty): the bridge stops that table's feed
 * instead of guessing. Values arrive either from Debezium (configured with {@code
 * decimal.handling.mode=string}, so DECIMAL comes as PostgreSQL's exact text, and TIMESTAMPTZ as
 * Debezium's ISO-8601 {@code ZonedTimestamp} string with full microseconds) or from JDBC (the
 * initial scan); both paths end in the same conversion.
 */
public enum ColumnType {
  STRING(Set.of("text", "varchar", "bpchar")),
  INT(Set.of("int2", "int4", "int8")),
  DECIMAL(Set.of("numeric")),
  BOOL(Set.of("bool")),
  UUID(Set.of("uuid")),
  TIMESTAMPTZ(Set.of("timestamptz")),
  JSONB(Set.of("jsonb", "json"));

  // 1.50 in a JSONB document stays 1.50, as in CockroachDB's decimal-backed JSON numbers.
  private static final ObjectMapper JSON = ChangefeedJson.mapper();
  private static final JsonNodeFactory NODES = JSON.getNodeFactory();

  private final Set<String> pgTypes;

  ColumnType(Set<String> pgTypes) {
    this.pgTypes = pgTypes;
  }

  /**
   * The encoder for a PostgreSQL type name ({@code pg_type.typname}, e.g. {@code int8}); empty when
   * the bridge cannot encode the type.
   */
  public static Optional<ColumnType> forPgType(String typname) {
    String t = typname.toLowerCase(Locale.ROOT);
    for (ColumnType c : values()) if (c.pgTypes.contains(t)) return Optional.of(c);
    return Optional.empty();
  }

  /**
   * Encodes a value as Debezium delivers it with the bridge's connector settings.
   *
   * @param value non-null
   * @throws IllegalArgumentException when the value has no CockroachDB JSON form
   */
  public JsonNode fromDebezium(Object value) {
    return switch (this) {
      case STRING, UUID -> NODES.textNode((String) value);
      case INT -> NODES.numberNode(((Number) value).longValue());
      case DECIMAL -> decimal((String) value);
      case BOOL -> NODES.booleanNode((Boolean) value);
      case TIMESTAMPTZ -> NODES.textNode(rfc3339Nano(parseZoned((String) value)));
      case JSONB -> json((String) value);
    };
  }

  /**
   * Encodes column {@code i} of the current row of {@code rs}; JSON null for SQL NULL.
   *
   * @throws IllegalArgumentException when the value has no CockroachDB JSON form
   */
  public JsonNode fromJdbc(ResultSet rs, int i) throws SQLException {
    if (rs.getObject(i) == null) return NODES.nullNode();
    return switch (this) {
      case STRING, UUID -> NODES.textNode(rs.getString(i));
      case INT -> NODES.numberNode(rs.getLong(i));
      case DECIMAL -> decimal(rs.getString(i));
      case BOOL -> NODES.booleanNode(rs.getBoolean(i));
      case TIMESTAMPTZ -> {
        OffsetDateTime t = rs.getObject(i, OffsetDateTime.class);
        if (t.equals(OffsetDateTime.MAX) || t.equals(OffsetDateTime.MIN))
          throw new IllegalArgumentException("infinite timestamp has no CockroachDB form");
        yield NODES.textNode(rfc3339Nano(t.toInstant()));
      }
      case JSONB -> json(rs.getString(i));
    };
  }

  private static JsonNode decimal(String text) {
    // PostgreSQL's and apd's spellings of the non-finite values are the same.
    if (text.equals("NaN") || text.equals("Infinity") || text.equals("-Infinity"))
      return NODES.textNode(text);
    try {
      return NODES.numberNode(new BigDecimal(text));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("DECIMAL value " + text + " is not a decimal number");
    }
  }

  private static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("JSONB value is not valid JSON: " + e.getMessage());
    }
  }

  private static Instant parseZoned(String text) {
    try {
      return OffsetDateTime.parse(text, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
    } catch (DateTimeParseException e) {
      throw new IllegalArgumentException("TIMESTAMPTZ value " + text + " has no CockroachDB form");
    }
  }

  /** Go's {@code time.RFC3339Nano} layout of {@code t} in UTC. */
  public static String rfc3339Nano(Instant t) {
    OffsetDateTime u = t.atOffset(ZoneOffset.UTC);
    if (u.getYear() < 0 || u.getYear() > 9999)
      throw new IllegalArgumentException("timestamp " + t + " is outside years 0000-9999");
    StringBuilder sb =
        new StringBuilder(
            String.format(
                "%04d-%02d-%02dT%02d:%02d:%02d",
                u.getYear(),
                u.getMonthValue(),
                u.getDayOfMonth(),
                u.getHour(),
                u.getMinute(),
                u.getSecond()));
    int nanos = u.getNano();
    if (nanos != 0) {
      String f = String.format("%09d", nanos);
      int end = f.length();
      while (f.charAt(end - 1) == '0') end--;
      sb.append('.').append(f, 0, end);
    }
    return sb.append('Z').toString();
  }
}
