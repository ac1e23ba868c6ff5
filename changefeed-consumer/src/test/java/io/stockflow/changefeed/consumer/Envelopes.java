package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Hlc;
import io.stockflow.db.changefeed.ChangefeedJson;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Changefeed messages for the consumer's tests, byte for byte as a CockroachDB changefeed with
 * {@code envelope=wrapped, format=json, updated, diff, resolved} writes them. The format is stated
 * here once:
 *
 * <ul>
 *   <li>key: the primary-key values as a JSON array, {@code ["JERKY", "SEA1"]};
 *   <li>value: {@code {"after": {…}, "before": {…} or null, "updated": "<wall ns>.<10-digit
 *       logical>"}};
 *   <li>both written by CockroachDB's JSON formatter ({@code json.JSON.Format}, {@code
 *       pkg/util/json/json.go}): object members sorted by name (so {@code after}, {@code before},
 *       {@code updated}, and a row's columns alphabetically), {@code ", "} between members and
 *       elements, {@code ": "} after names;
 *   <li>TIMESTAMPTZ columns: {@code tree.AsJSON(d, …, time.UTC)} ({@code
 *       pkg/sql/sem/tree/datum.go}, called from {@code pkg/ccl/changefeedccl/encoder_json.go})
 *       formats {@code t.Time.In(loc).Format(time.RFC3339Nano)}: UTC with {@code Z}, microseconds
 *       with trailing zeros (and an empty fraction) dropped, e.g. {@code
 *       "2023-11-27T16:25:11.425045Z"};
 *   <li>resolved: {@code {"resolved":"<hlc>"}}, compact (Go's {@code encoding/json}), null key.
 * </ul>
 *
 * The shapes are the expectations of CockroachDB's {@code TestEncoders} ({@code
 * pkg/ccl/changefeedccl/encoder_test.go}), which {@code EnvelopesTest} pins this builder to. The
 * standard row is {@code (last_updated, location_id, note, qty, sku)}, keyed by {@code (sku,
 * location_id)}. Values are plain ASCII, so no escaping question arises.
 */
final class Envelopes {
  private Envelopes() {}

  private static final Hlc BASE = Hlc.of(Instant.now().minusSeconds(60));

  /** An HLC {@code n} microseconds after a fixed base close to now. */
  static Hlc at(long n) {
    return new Hlc(BASE.wallNanos() + n * 1_000, 0);
  }

  /** The message key as CockroachDB writes it. */
  static String key(String sku, String location) {
    return "[\"" + sku + "\", \"" + location + "\"]";
  }

  /**
   * The key as {@link io.stockflow.changefeed.ChangeEvent#keyString()} has it (compact JSON): what
   * fences, dead letters and subprocessors see.
   */
  static String keyString(String sku, String location) {
    try {
      return ChangefeedJson.mapper().readTree(key(sku, location)).toString();
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The standard row; {@code last_updated} is the TIMESTAMPTZ of {@code lastUpdated}. */
  static String row(String sku, String location, long qty, String note, Hlc lastUpdated) {
    return row(columns(sku, location, qty, note, lastUpdated));
  }

  /** The standard row's columns, to add or remove some (a schema change) before {@link #row}. */
  static Map<String, Object> columns(
      String sku, String location, long qty, String note, Hlc lastUpdated) {
    Map<String, Object> columns = new HashMap<>();
    columns.put("sku", sku);
    columns.put("location_id", location);
    columns.put("qty", qty);
    columns.put("note", note);
    columns.put("last_updated", lastUpdated.toInstant());
    return columns;
  }

  /**
   * Any row: columns sorted by name; values {@code null}, strings, numbers, booleans and {@link
   * Instant}s (TIMESTAMPTZ).
   */
  static String row(Map<String, ?> columns) {
    StringBuilder sb = new StringBuilder("{");
    new TreeMap<>(columns)
        .forEach(
            (name, v) -> {
              if (sb.length() > 1) sb.append(", ");
              sb.append('"').append(name).append("\": ").append(value(v));
            });
    return sb.append('}').toString();
  }

  private static String value(Object v) {
    if (v == null) return "null";
    if (v instanceof String s) return '"' + s + '"';
    if (v instanceof Instant t) return '"' + timestamptz(t) + '"';
    if (v instanceof Number || v instanceof Boolean) return v.toString();
    throw new IllegalArgumentException("no CockroachDB JSON form in these fixtures: " + v);
  }

  /**
   * A wrapped row message.
   *
   * @param after the row after, or {@code "null"} for a delete
   * @param before the row before, or {@code "null"} for an insert
   */
  static String change(String after, String before, Hlc updated) {
    return "{\"after\": "
        + after
        + ", \"before\": "
        + before
        + ", \"updated\": \""
        + updated
        + "\"}";
  }

  static String resolved(Hlc hlc) {
    return "{\"resolved\":\"" + hlc + "\"}";
  }

  /** A TIMESTAMPTZ column value (TIMESTAMPTZ keeps microseconds). */
  static String timestamptz(Instant t) {
    String s =
        DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSS")
            .format(t.truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC));
    s = s.replaceAll("0+$", "");
    if (s.endsWith(".")) s = s.substring(0, s.length() - 1);
    return s + "Z";
  }
}
