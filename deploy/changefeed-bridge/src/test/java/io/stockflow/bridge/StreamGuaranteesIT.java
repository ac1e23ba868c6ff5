package io.stockflow.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.bridge.encoding.CrdbPartitioner;
import io.stockflow.bridge.support.Golden;
import io.stockflow.bridge.support.TestStack;
import io.stockflow.bridge.support.TopicProbe;
import io.stockflow.bridge.support.TopicProbe.Message;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Per-key order and partitioning, resolved semantics, and tables the bridge cannot encode. */
class StreamGuaranteesIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int PARTITIONS = 3;

  @TempDir static Path dir;
  @RegisterExtension static final TestStack stack = new TestStack();

  @BeforeAll
  static void seedLocation() throws Exception {
    stack.tx(
        "INSERT INTO locations (id, name, kind, region) VALUES ('SEA1', 'Seattle', 'fulfilment_centre', 'us-west')");
  }

  static BridgeConfig config(ChangefeedDeclaration feed, String name) {
    return BridgeConfig.of(feed, stack.jdbcUrl(), stack.bootstrap(), dir.resolve(name))
        .withSlotName(name)
        .withPublicationName(name);
  }

  static void seed(String prefix, int keys) throws Exception {
    try (Connection c = stack.connect();
        Statement s = c.createStatement()) {
      for (int k = 0; k < keys; k++) {
        String sku = String.format("%s-%02d", prefix, k);
        s.execute("INSERT INTO skus (sku, name) VALUES ('" + sku + "', 'x')");
        s.execute(
            "INSERT INTO inventory_levels (sku, location_id, on_hand) VALUES ('"
                + sku
                + "', 'SEA1', 0)");
      }
    }
  }

  static long onHand(Message m) throws Exception {
    return JSON.readTree(m.value()).get("after").get("on_hand").asLong();
  }

  @Test
  void eachKeyKeepsItsCommitOrderOnThePartitionItsKeyHashesToAndResolvedHolds() throws Exception {
    ChangefeedDeclaration feed =
        ChangefeedDeclaration.stockflow()
            .withPartitions(PARTITIONS)
            .withResolvedInterval(Duration.ofMillis(300));
    seed("ORD", 50);
    try (PostgresChangefeedBridge bridge =
            PostgresChangefeedBridge.start(config(feed, "ordering"));
        TopicProbe probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels"))) {
      // Four concurrent writers, 250 single-row transactions each: on_hand + 1 makes every
      // key's versions count up in commit order.
      ExecutorService writers = Executors.newFixedThreadPool(4);
      List<Future<?>> running = new ArrayList<>();
      for (int w = 0; w < 4; w++) {
        int seed = w;
        running.add(
            writers.submit(
                () -> {
                  List<Integer> keys = new ArrayList<>();
                  for (int i = 0; i < 250; i++) keys.add(i % 50);
                  Collections.shuffle(keys, new java.util.Random(seed));
                  try (Connection c = stack.connect();
                      PreparedStatement ps =
                          c.prepareStatement(
                              "UPDATE inventory_levels SET on_hand = on_hand + 1 WHERE sku = ?")) {
                    for (int k : keys) {
                      ps.setString(1, String.format("ORD-%02d", k));
                      ps.executeUpdate();
                    }
                  }
                  return null;
                }));
      }
      for (Future<?> f : running) f.get();
      writers.shutdown();
      Map<String, Long> finals = new HashMap<>();
      try (Connection c = stack.connect();
          Statement s = c.createStatement();
          var rs =
              s.executeQuery("SELECT sku, on_hand FROM inventory_levels WHERE sku LIKE 'ORD-%'")) {
        while (rs.next()) finals.put(rs.getString(1), rs.getLong(2));
      }

      List<Message> all =
          probe.awaitAll(
              ms ->
                  finals.entrySet().stream()
                      .allMatch(
                          e ->
                              ms.stream()
                                  .anyMatch(
                                      m ->
                                          key(e.getKey()).equals(m.key())
                                              && m.value()
                                                  .contains(
                                                      "\"on_hand\": " + e.getValue() + ","))));

      for (String sku : finals.keySet()) {
        List<Message> versions = all.stream().filter(m -> key(sku).equals(m.key())).toList();
        int expectedPartition =
            CrdbPartitioner.partition(key(sku).getBytes(StandardCharsets.UTF_8), PARTITIONS);
        assertThat(versions).allMatch(m -> m.partition() == expectedPartition);
        List<Long> values = new ArrayList<>();
        for (Message m : versions) values.add(onHand(m));
        List<Long> expected = new ArrayList<>();
        for (long v = 1; v <= finals.get(sku); v++) expected.add(v);
        assertThat(values).as("versions of %s in partition order", sku).isEqualTo(expected);
        for (int i = 1; i < versions.size(); i++)
          assertThat(Golden.updated(versions.get(i).value()))
              .isGreaterThan(Golden.updated(versions.get(i - 1).value()));
      }

      // A resolved R on a partition means no later message on it has updated <= R.
      for (int p = 0; p < PARTITIONS; p++) {
        int partition = p;
        List<Message> inPartition =
            all.stream()
                .filter(m -> m.partition() == partition && m.topic().equals("inventory_levels"))
                .toList();
        BigInteger resolved = BigInteger.ZERO;
        for (Message m : inPartition) {
          if (m.key() == null) {
            BigInteger r = Golden.resolved(m.value());
            assertThat(r).isGreaterThanOrEqualTo(resolved);
            resolved = r;
          } else {
            assertThat(Golden.updated(m.value())).isGreaterThan(resolved);
          }
        }
      }

      // Idle: no writes, yet every partition receives a resolved timestamp past "now".
      BigInteger now;
      try (Connection c = stack.connect()) {
        now = Golden.clockNanos(c).multiply(BigInteger.TEN.pow(10));
      }
      probe.awaitAll(
          ms -> {
            for (int p = 0; p < PARTITIONS; p++) {
              int partition = p;
              if (ms.stream()
                  .noneMatch(
                      m ->
                          m.key() == null
                              && m.partition() == partition
                              && m.topic().equals("inventory_levels")
                              && Golden.resolved(m.value()).compareTo(now) > 0)) return false;
            }
            return true;
          });
      assertThat(bridge.failure()).isEmpty();
    }
  }

  static String key(String sku) {
    return "[\"" + sku + "\", \"SEA1\"]";
  }

  @Test
  void aColumnTypeTheBridgeCannotEncodeStopsThatTableOnlyAndNamesTheColumn() throws Exception {
    stack.tx(
        "CREATE TABLE gadgets (id TEXT PRIMARY KEY, spot POINT)",
        "CREATE TABLE widgets (id TEXT PRIMARY KEY, n BIGINT NOT NULL)");
    seed("BAD", 1);
    ChangefeedDeclaration feed =
        new ChangefeedDeclaration(
            List.of(
                new WatchedTable(
                    "inventory_levels", "inventory_levels", List.of("sku", "location_id")),
                new WatchedTable("gadgets", "gadgets", List.of("id")),
                new WatchedTable("widgets", "widgets", List.of("id"))),
            Duration.ofMillis(300),
            Duration.ofMillis(300),
            PARTITIONS,
            false);
    try (PostgresChangefeedBridge bridge =
            PostgresChangefeedBridge.start(config(feed, "unencodable"));
        TopicProbe probe =
            new TopicProbe(stack.bootstrap(), List.of("inventory_levels", "widgets"))) {
      assertThat(bridge.stoppedTables()).containsOnlyKeys("gadgets");
      assertThat(bridge.stoppedTables().get("gadgets")).contains("gadgets.spot").contains("point");

      stack.tx("INSERT INTO widgets (id, n) VALUES ('w0', 1)");
      probe.awaitFirst(TopicProbe.row("widgets", "[\"w0\"]"));

      // A column added while streaming, of a type without a CockroachDB encoding, stops the table
      // at its first change; the other tables keep streaming.
      stack.tx(
          "ALTER TABLE widgets ADD COLUMN wait INTERVAL",
          "INSERT INTO widgets (id, n, wait) VALUES ('w1', 2, '1 day')");
      stack.tx("UPDATE inventory_levels SET on_hand = 77 WHERE sku = 'BAD-00'");
      probe.awaitFirst(
          TopicProbe.row("inventory_levels", key("BAD-00"))
              .and(m -> m.value().contains("\"on_hand\": 77,")));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> bridge.stoppedTables().containsKey("widgets"));
      assertThat(bridge.stoppedTables().get("widgets"))
          .contains("widgets.wait")
          .contains("interval");
      stack.tx("INSERT INTO widgets (id, n) VALUES ('w2', 3)");
      stack.tx("UPDATE inventory_levels SET on_hand = 78 WHERE sku = 'BAD-00'");
      probe.awaitFirst(
          TopicProbe.row("inventory_levels", key("BAD-00"))
              .and(m -> m.value().contains("\"on_hand\": 78,")));
      assertThat(probe.poll())
          .noneMatch(m -> "[\"w1\"]".equals(m.key()) || "[\"w2\"]".equals(m.key()));
      assertThat(bridge.failure()).isEmpty();
    }
  }
}
