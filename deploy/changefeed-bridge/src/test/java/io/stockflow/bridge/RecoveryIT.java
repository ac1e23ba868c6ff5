package io.stockflow.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.bridge.support.TestStack;
import io.stockflow.bridge.support.TopicProbe;
import io.stockflow.bridge.support.TopicProbe.Message;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the bridge does when the world around it misbehaves: a commit that is slow to become visible
 * during the initial scan, a walsender killed mid-stream, a replication slot that vanished.
 */
class RecoveryIT {
  static final ObjectMapper JSON = new ObjectMapper();
  static final ChangefeedDeclaration INVENTORY_ONLY =
      new ChangefeedDeclaration(
          List.of(
              new WatchedTable(
                  "inventory_levels", "inventory_levels", List.of("sku", "location_id"))),
          Duration.ofMillis(300),
          Duration.ofMillis(300),
          3,
          false);

  @TempDir static Path dir;
  static TestStack stack;

  @BeforeAll
  static void start() throws Exception {
    stack = TestStack.start(dir);
    stack.tx(
        "INSERT INTO locations (id, name, kind, region) VALUES ('SEA1', 'Seattle', 'fulfilment_centre', 'us-west')");
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.close();
  }

  static BridgeConfig config(String name, ChangefeedDeclaration feed) {
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

  static void setOnHand(String sku, long onHand) throws Exception {
    stack.tx("UPDATE inventory_levels SET on_hand = " + onHand + " WHERE sku = '" + sku + "'");
  }

  static String key(String sku) {
    return "[\"" + sku + "\", \"SEA1\"]";
  }

  static long onHand(Message m) throws Exception {
    return JSON.readTree(m.value()).get("after").get("on_hand").asLong();
  }

  static boolean query(String sql) throws Exception {
    try (Connection c = stack.connect();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      return rs.next();
    }
  }

  @Test
  void a_missing_replication_slot_with_stored_offsets_stops_the_bridge_and_says_what_to_do()
      throws Exception {
    seed("SLOT", 1);
    String name = "lostslot";
    BridgeConfig config = config(name, INVENTORY_ONLY);
    try (TopicProbe probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels"));
        PostgresChangefeedBridge bridge = PostgresChangefeedBridge.start(config)) {
      setOnHand("SLOT-00", 1);
      probe.awaitFirst(
          TopicProbe.row("inventory_levels", key("SLOT-00"))
              .and(m -> m.value().contains("\"on_hand\": 1,")));
    }
    assertThat(config.dataDir().resolve("offsets.dat")).exists();
    // Someone drops the slot while the bridge is down (its walsender may still be exiting).
    await()
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                query(
                    "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                        + " WHERE slot_name = '"
                        + name
                        + "' AND NOT active"));
    setOnHand("SLOT-00", 2); // lost with the slot

    assertThatThrownBy(() -> PostgresChangefeedBridge.start(config))
        .isInstanceOf(FatalBridgeException.class)
        .hasMessageContaining("replication slot " + name + " does not exist")
        .hasMessageContaining(config.dataDir().toString())
        .hasMessageContaining("delete");
    assertThat(query("SELECT 1 FROM pg_replication_slots WHERE slot_name = '" + name + "'"))
        .as("slot recreated")
        .isFalse();
  }
}
