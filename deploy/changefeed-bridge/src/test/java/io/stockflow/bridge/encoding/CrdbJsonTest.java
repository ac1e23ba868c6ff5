package io.stockflow.bridge.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;

/** CockroachDB's json.Format (pkg/util/json/json.go): ", " and ": ", keys sorted by bytes. */
class CrdbJsonTest {
  @Test
  void objectsAreSortedByUtf8BytesWithCockroachdbSeparators() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("é", 1);
    o.put("b", 2);
    o.putNull("a");
    o.putArray("c").add(1).add("x");
    o.putObject("d");
    // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts after U+1F600 (F0 ...) in UTF-16 but before it in
    // UTF-8.
    o.put("\uD83D\uDE00", 3);
    o.put("\uFF5E", 4);

    assertThat(CrdbJson.format(o))
        .isEqualTo(
            "{\"a\": null, \"b\": 2, \"c\": [1, \"x\"], \"d\": {}, \"é\": 1, \"\uFF5E\": 4,"
                + " \"\uD83D\uDE00\": 3}");
  }

  @Test
  void stringsEscapeAsCockroachdbsEncodeJSONString() {
    // pkg/util/json/json.go encodeJSONString with tables.go's safeSet (Go's encoding/json table,
    // escapeHTML off): only \n \r \t have short escapes; \b and \f are \u0008 and \u000c; DEL
    // (0x7f) and every non-ASCII rune are written raw.
    String in = "q\" b\\ \b \f \n \r \t \u0000 \u001f \u007f <&> é \u2028 \uD83D\uDE00";
    assertThat(CrdbJson.format(JsonNodeFactory.instance.textNode(in)))
        .isEqualTo(
            "\"q\\\" b\\\\ \\u0008 \\u000c \\n \\r \\t \\u0000 \\u001f \u007f <&> é \u2028"
                + " \uD83D\uDE00\"");
  }
}
