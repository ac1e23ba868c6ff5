package io.stockflow.bridge;

import static io.stockflow.bridge.support.TopicProbe.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.bridge.support.Golden;
import io.stockflow.bridge.support.TestStack;
import io.stockflow.bridge.support.TopicProbe;
import io.stockflow.bridge.support.TopicProbe.Message;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Golden tests: real PostgreSQL → bridge → real Kafka, each message compared byte for byte with
 * what CockroachDB's changefeed emits for the same row.
 *
 * <p>Sources of the expected JSON: message shapes from CockroachDB's {@code TestEncoders}
 * (pkg/ccl/changefeedccl/encoder_test.go: {@code {"after": {"a": 1, "b": "bar"}, "before": null,
 * "updated": "1.0000000002"}}, delete {@code {"after": null, "before": {...}, ...}}, resolved
 * {@code {"resolved":"1.0000000002"}}); separators and key order from {@code json.Format}
 * (pkg/util/json/json.go: {@code ", "}, {@code ": "}, objects sorted); each column through {@code
 * tree.AsJSON(d, dcc, time.UTC)} (pkg/sql/sem/tree/datum.go): DInt → number, DDecimal → {@code
 * json.FromDecimal} number with its scale, DString → string, DBool → bool, DUuid → string,
 * DTimestampTZ → {@code t.In(UTC).Format(time.RFC3339Nano)}, DJSON embedded.
 */
class ChangefeedGoldenIT {
  static final ChangefeedDeclaration FEED =
      new ChangefeedDeclaration(
          List.of(
              new WatchedTable(
                  "inventory_levels", "inventory_levels", List.of("sku", "location_id")),
              new WatchedTable("skus", "skus", List.of("sku")),
              new WatchedTable("orders", "orders", List.of("id"))),
          Duration.ofMillis(500),
          Duration.ofMillis(500),
          3,
          false);

  @TempDir static Path dir;
  @RegisterExtension static final TestStack stack = new TestStack();
  static PostgresChangefeedBridge bridge;
  static TopicProbe probe;

  @BeforeAll
  static void start() throws Exception {
    stack.tx(
        "INSERT INTO locations (id, name, kind, region) VALUES ('SEA1', 'Seattle', 'fulfilment_centre', 'us-west')");
    bridge =
        PostgresChangefeedBridge.start(
            BridgeConfig.of(FEED, stack.jdbcUrl(), stack.bootstrap(), dir.resolve("bridge")));
    probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels", "skus", "orders"));
  }

  @AfterAll
  static void stop() {
    if (probe != null) probe.close();
    if (bridge != null) bridge.close();
  }

  /** Runs {@code sql} in one transaction and returns the database clock before and after. */
  static BigInteger[] commit(String... sql) throws Exception {
    try (Connection c = stack.connect()) {
      BigInteger from = Golden.clockNanos(c);
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String q : sql) s.execute(q);
      }
      c.commit();
      c.setAutoCommit(true);
      return new BigInteger[] {from, Golden.clockNanos(c)};
    }
  }

  static void sku(String sku) throws Exception {
    stack.tx(
        "INSERT INTO skus (sku, name, created_at, last_updated) VALUES ('"
            + sku
            + "', 'x', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')");
  }

  static String insertLevel(String sku, long onHand) {
    return "INSERT INTO inventory_levels (sku, location_id, on_hand, allocated, reserved, damaged,"
        + " in_transit_in, in_transit_out, reorder_point, safety_stock, max_stock, sellable,"
        + " receiving_blocked, last_counted_at, last_updated) VALUES ('"
        + sku
        + "', 'SEA1', "
        + onHand
        + ", 1, 0, 2, 40, 0, 30, 5, 200, true, false, NULL, '2024-05-06T07:08:09.123456Z')";
  }

  static String level(String sku, long onHand, String lastUpdated) {
    return "{\"allocated\": 1, \"damaged\": 2, \"in_transit_in\": 40, \"in_transit_out\": 0,"
        + " \"last_counted_at\": null, \"last_updated\": \""
        + lastUpdated
        + "\", \"location_id\": \"SEA1\", \"max_stock\": 200, \"on_hand\": "
        + onHand
        + ", \"receiving_blocked\": false, \"reorder_point\": 30, \"reserved\": 0,"
        + " \"safety_stock\": 5, \"sellable\": true, \"sku\": \""
        + sku
        + "\"}";
  }

  @Test
  void insertEmitsAfterAndNullBeforeWithTextBigintBoolTimestamptzColumns() throws Exception {
    sku("JERKY-TERIYAKI-3OZ");
    BigInteger[] t = commit(insertLevel("JERKY-TERIYAKI-3OZ", 120));

    Message m = probe.awaitFirst(row("inventory_levels", "[\"JERKY-TERIYAKI-3OZ\", \"SEA1\"]"));

    assertThat(Golden.withoutUpdated(m.value(), t[0], t[1]))
        .isEqualTo(
            "{\"after\": "
                + level("JERKY-TERIYAKI-3OZ", 120, "2024-05-06T07:08:09.123456Z")
                + ", \"before\": null, \"updated\": \"<updated>\"}");
  }

  @Test
  void updateEmitsTheFullBeforeImage() throws Exception {
    sku("G-UPDATE");
    stack.tx(insertLevel("G-UPDATE", 120));
    BigInteger[] t =
        commit(
            "UPDATE inventory_levels SET on_hand = 12, last_updated = '2024-05-06T08:00:00Z'"
                + " WHERE sku = 'G-UPDATE'");

    Message m =
        probe.awaitFirst(
            row("inventory_levels", "[\"G-UPDATE\", \"SEA1\"]")
                .and(x -> x.value().contains("\"on_hand\": 12,")));

    assertThat(Golden.withoutUpdated(m.value(), t[0], t[1]))
        .isEqualTo(
            "{\"after\": "
                + level("G-UPDATE", 12, "2024-05-06T08:00:00Z")
                + ", \"before\": "
                + level("G-UPDATE", 120, "2024-05-06T07:08:09.123456Z")
                + ", \"updated\": \"<updated>\"}");
  }

  @Test
  void deleteEmitsNullAfterAndTheRowAsBeforeUnderItsKey() throws Exception {
    sku("G-DELETE");
    stack.tx(insertLevel("G-DELETE", 7));
    BigInteger[] t = commit("DELETE FROM inventory_levels WHERE sku = 'G-DELETE'");

    Message m =
        probe.awaitFirst(
            row("inventory_levels", "[\"G-DELETE\", \"SEA1\"]")
                .and(x -> x.value().startsWith("{\"after\": null")));

    assertThat(Golden.withoutUpdated(m.value(), t[0], t[1]))
        .isEqualTo(
            "{\"after\": null, \"before\": "
                + level("G-DELETE", 7, "2024-05-06T07:08:09.123456Z")
                + ", \"updated\": \"<updated>\"}");
  }

  @Test
  void bigintKeepsAll64Bits() throws Exception {
    sku("G-BIGINT");
    BigInteger[] t = commit(insertLevel("G-BIGINT", Long.MAX_VALUE));

    Message m = probe.awaitFirst(row("inventory_levels", "[\"G-BIGINT\", \"SEA1\"]"));

    assertThat(Golden.withoutUpdated(m.value(), t[0], t[1]))
        .contains("\"on_hand\": 9223372036854775807,");
  }

  @Test
  void decimalIsAJsonNumberWithItsScaleAndJsonbIsEmbeddedWithSortedKeys() throws Exception {
    BigInteger[] t =
        commit(
            "INSERT INTO skus (sku, name, unit_price, attributes, created_at, last_updated) VALUES"
                + " ('G-DECIMAL', 'Decimal', 1234567890.05,"
                + " '{\"b\": 1, \"aa\": [true, null, 1.50], \"a\": {\"z\": \"x\\\"y\", \"é\": \"ü\"}}',"
                + " '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')",
            "INSERT INTO skus (sku, name, created_at, last_updated) VALUES"
                + " ('G-DECIMAL-ZERO', 'Zero', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z')");

    Message m = probe.awaitFirst(row("skus", "[\"G-DECIMAL\"]"));
    Message zero = probe.awaitFirst(row("skus", "[\"G-DECIMAL-ZERO\"]"));

    assertThat(Golden.withoutUpdated(m.value(), t[0], t[1]))
        .isEqualTo(
            "{\"after\": {\"active\": true, \"attributes\": {\"a\": {\"z\": \"x\\\"y\", \"é\":"
                + " \"ü\"}, \"aa\": [true, null, 1.50], \"b\": 1}, \"created_at\":"
                + " \"2024-01-01T00:00:00Z\", \"last_updated\": \"2024-01-01T00:00:00Z\","
                + " \"name\": \"Decimal\", \"sku\": \"G-DECIMAL\", \"unit_price\": 1234567890.05},"
                + " \"before\": null, \"updated\": \"<updated>\"}");
    assertThat(Golden.withoutUpdated(zero.value(), t[0], t[1]))
        .isEqualTo(
            "{\"after\": {\"active\": true, \"attributes\": {}, \"created_at\":"
                + " \"2024-01-01T00:00:00Z\", \"last_updated\": \"2024-01-01T00:00:00Z\","
                + " \"name\": \"Zero\", \"sku\": \"G-DECIMAL-ZERO\", \"unit_price\": 0.00},"
                + " \"before\": null, \"updated\": \"<updated>\"}");
    assertThat(Golden.updated(m.value())).isEqualTo(Golden.updated(zero.value()));
  }

  @Test
  void uuidIsALowerCaseStringTimestamptzIsRfc3339nanoUtcAndTextIsEscaped() throws Exception {
    BigInteger[] t =
        commit(
            "INSERT INTO orders (id, cart_id, location_id, customer_ref, created_at, last_updated)"
                + " VALUES ('A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', 'cart-1', 'SEA1',"
                + " E'Jerky \"Teriyaki\" \\\\ 3oz\\nß→', '2024-02-29T23:59:59+02:00',"
                + " '2024-03-01T00:00:00.5Z')");

    Message m = probe.awaitFirst(row("orders", "[\"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\"]"));

    assertThat(Golden.withoutUpdated(m.value(), t[0], t[1]))
        .isEqualTo(
            "{\"after\": {\"cart_id\": \"cart-1\", \"created_at\": \"2024-02-29T21:59:59Z\","
                + " \"customer_ref\": \"Jerky \\\"Teriyaki\\\" \\\\ 3oz\\nß→\", \"id\":"
                + " \"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11\", \"last_updated\":"
                + " \"2024-03-01T00:00:00.5Z\", \"location_id\": \"SEA1\", \"owner_principal\": null,"
                + " \"status\": \"pending\"},"
                + " \"before\": null, \"updated\": \"<updated>\"}");
  }

  @Test
  void severalWritesToARowInOneTransactionEmitOnlyTheLast() throws Exception {
    sku("G-MULTI");
    BigInteger[] first =
        commit(
            insertLevel("G-MULTI", 1),
            "UPDATE inventory_levels SET on_hand = 2 WHERE sku = 'G-MULTI'",
            "UPDATE inventory_levels SET on_hand = 3, last_updated = '2024-05-06T09:00:00Z'"
                + " WHERE sku = 'G-MULTI'");
    BigInteger[] second =
        commit(
            "UPDATE inventory_levels SET on_hand = 4 WHERE sku = 'G-MULTI'",
            "UPDATE inventory_levels SET on_hand = 5, last_updated = '2024-05-06T10:00:00Z'"
                + " WHERE sku = 'G-MULTI'");
    String key = "[\"G-MULTI\", \"SEA1\"]";

    // Once a resolved timestamp past the second commit arrives on the key's partition, every
    // message of both transactions has been written before it.
    Message last =
        probe.awaitFirst(
            row("inventory_levels", key).and(x -> x.value().contains("\"on_hand\": 5,")));
    List<Message> all =
        probe.awaitAll(
            ms ->
                ms.stream()
                    .anyMatch(
                        x ->
                            x.topic().equals("inventory_levels")
                                && x.partition() == last.partition()
                                && x.key() == null
                                && Golden.resolved(x.value())
                                        .compareTo(Golden.updated(last.value()))
                                    >= 0));
    List<Message> rows = all.stream().filter(row("inventory_levels", key)).toList();

    assertThat(rows).hasSize(2);
    assertThat(Golden.withoutUpdated(rows.get(0).value(), first[0], first[1]))
        .isEqualTo(
            "{\"after\": "
                + level("G-MULTI", 3, "2024-05-06T09:00:00Z")
                + ", \"before\": null, \"updated\": \"<updated>\"}");
    assertThat(Golden.withoutUpdated(rows.get(1).value(), second[0], second[1]))
        .isEqualTo(
            "{\"after\": "
                + level("G-MULTI", 5, "2024-05-06T10:00:00Z")
                + ", \"before\": "
                + level("G-MULTI", 3, "2024-05-06T09:00:00Z")
                + ", \"updated\": \"<updated>\"}");
  }

  @Test
  void resolvedHasANullKeyAndReachesEveryPartitionOfEveryTopic() {
    List<Message> all =
        probe.awaitAll(
            ms ->
                ms.stream()
                        .filter(x -> x.key() == null)
                        .map(x -> x.topic() + "/" + x.partition())
                        .collect(Collectors.toSet())
                        .size()
                    == 9);

    Set<String> partitions =
        all.stream()
            .filter(x -> x.key() == null)
            .map(x -> x.topic() + "/" + x.partition())
            .collect(Collectors.toSet());
    assertThat(partitions)
        .containsExactlyInAnyOrder(
            "inventory_levels/0",
            "inventory_levels/1",
            "inventory_levels/2",
            "skus/0",
            "skus/1",
            "skus/2",
            "orders/0",
            "orders/1",
            "orders/2");
    assertThat(all.stream().filter(x -> x.key() == null).map(Message::value))
        .allMatch(v -> v.matches("\\{\"resolved\":\"\\d{19}\\.0000000000\"}"));
  }
}
