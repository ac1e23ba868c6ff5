package io.stockflow.bridge.encoding;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Writes a JSON tree byte-for-byte the way CockroachDB's {@code json.JSON.Format} does, which is
 * what a changefeed puts on the wire for keys and wrapped values ({@code pkg/util/json/json.go}):
 * object keys sorted by their UTF-8 bytes (CockroachDB keeps objects sorted), {@code ", "} between
 * elements and {@code ": "} after keys, numbers in their decimal text without exponent rewriting.
 *
 * <p>Stateless and thread-safe.
 */
public final class CrdbJson {
  private CrdbJson() {}

  /** The CockroachDB text form of {@code node}. */
  public static String format(JsonNode node) {
    StringBuilder sb = new StringBuilder();
    write(sb, node);
    return sb.toString();
  }

  public static byte[] formatBytes(JsonNode node) {
    return format(node).getBytes(StandardCharsets.UTF_8);
  }

  private static void write(StringBuilder sb, JsonNode node) {
    switch (node.getNodeType()) {
      case OBJECT -> {
        List<String> names = new ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        names.sort(CrdbJson::compareUtf8);
        sb.append('{');
        for (int i = 0; i < names.size(); i++) {
          if (i > 0) sb.append(", ");
          writeString(sb, names.get(i));
          sb.append(": ");
          write(sb, node.get(names.get(i)));
        }
        sb.append('}');
      }
      case ARRAY -> {
        sb.append('[');
        Iterator<JsonNode> it = node.elements();
        boolean first = true;
        while (it.hasNext()) {
          if (!first) sb.append(", ");
          first = false;
          write(sb, it.next());
        }
        sb.append(']');
      }
      case STRING -> writeString(sb, node.textValue());
      case NUMBER ->
          sb.append(node.isBigDecimal() ? node.decimalValue().toString() : node.asText());
      case BOOLEAN -> sb.append(node.booleanValue() ? "true" : "false");
      case NULL -> sb.append("null");
      default ->
          throw new IllegalArgumentException(
              "not a JSON value: " + node.getNodeType() + " " + node);
    }
  }

  /**
   * CockroachDB's {@code encodeJSONString} ({@code pkg/util/json/json.go}, its {@code safeSet} in
   * {@code tables.go}): everything but ASCII control characters, quote and backslash is written as
   * it is (UTF-8, DEL included, no {@code \\u} escapes for non-ASCII); quote and backslash get a
   * backslash; {@code \\n}, {@code \\r} and {@code \\t} are the only short escapes — backspace and
   * form feed become {@code \\u0008} and {@code \\u000c} like every other control character.
   */
  static void writeString(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20) sb.append(String.format("\\u%04x", (int) c));
          else sb.append(c);
        }
      }
    }
    sb.append('"');
  }

  /** Go compares strings by bytes; Java's compareTo compares UTF-16 units, which differs. */
  static int compareUtf8(String a, String b) {
    return Arrays.compareUnsigned(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
