package io.stockflow.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.bridge.support.Golden;
import io.stockflow.bridge.support.TestStack;
import io.stockflow.bridge.support.TopicProbe;
import io.stockflow.bridge.support.TopicProbe.Message;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import java.math.BigInteger;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
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
  @RegisterExtension static final TestStack stack = new TestStack();

  @BeforeAll
  static void seedLocation() throws Exception {
    stack.tx(
        "INSERT INTO locations (id, name, kind, region) VALUES ('SEA1', 'Seattle', 'fulfilment_centre', 'us-west')");
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

  /**
   * The on_hand values a consumer's HLC fence lets through for {@code key}, in partition order: a
   * message is handled only when its {@code updated} is above every one handled before.
   */
  static List<Long> throughFence(List<Message> messages, String key) throws Exception {
    List<Long> handled = new ArrayList<>();
    BigInteger fence = null;
    for (Message m : messages) {
      if (!key.equals(m.key())) continue;
      BigInteger updated = Golden.updated(m.value());
      if (fence != null && updated.compareTo(fence) <= 0) continue;
      fence = updated;
      handled.add(onHand(m));
    }
    return handled;
  }

  @Test
  void theInitialScanStampsItsRowsBelowEveryCommitItsSnapshotDidNotSee() throws Exception {
    seed("RACE", 3);
    String name = "scanrace";
    // Slot, publication and replica identity exist before the slow commit starts, so the bridge's
    // setup does not wait for it (creating a slot waits for running transactions).
    stack.tx(
        "ALTER TABLE inventory_levels REPLICA IDENTITY FULL",
        "CREATE PUBLICATION "
            + name
            + " FOR TABLE inventory_levels WITH (publish = 'insert, update, delete')");
    query("SELECT pg_create_logical_replication_slot('" + name + "', 'pgoutput')");
    // A synchronous standby that never comes makes a commit wait after it has taken its commit
    // timestamp and written its commit record, but before it becomes visible: the race of a
    // commit that is slow to become visible, made long. Only the blocked session asks for it.
    stack.tx(
        "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I SET synchronous_commit = local',"
            + " current_database()); END $$");
    try (Connection admin = stack.connect();
        Statement s = admin.createStatement()) {
      s.execute("ALTER SYSTEM SET synchronous_standby_names = 'stockflow_no_such_standby'");
      s.execute("SELECT pg_reload_conf()");
    }
    PostgresChangefeedBridge bridge = null;
    try (Connection blocked = stack.connect();
        TopicProbe probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels"))) {
      int blockedPid;
      try (Statement s = blocked.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        blockedPid = rs.getInt(1);
        s.execute("SET synchronous_commit = on");
      }
      CompletableFuture<Void> slowCommit =
          CompletableFuture.runAsync(
              () -> {
                try (Statement s = blocked.createStatement()) {
                  s.executeUpdate("UPDATE inventory_levels SET on_hand = 1 WHERE sku = 'RACE-00'");
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
              });
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () ->
                  query(
                      "SELECT 1 FROM pg_stat_activity WHERE pid = "
                          + blockedPid
                          + " AND wait_event = 'SyncRep'"));

      BridgeConfig config = config(name, INVENTORY_ONLY.withInitialScan(true));
      CompletableFuture<PostgresChangefeedBridge> started =
          CompletableFuture.supplyAsync(() -> PostgresChangefeedBridge.start(config));
      // Either the scan ran already, or it waits for the slow commit to become visible.
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  started.isDone()
                      || query(
                          "SELECT 1 FROM pg_stat_activity WHERE query LIKE"
                              + " '%initial scan waits for older transactions%'"
                              + " AND pid <> pg_backend_pid()"));
      // Two commits while a waiting scan has not taken its snapshot: it sees both, and the
      // stream must not make the row go back to the first one afterwards.
      setOnHand("RACE-01", 5);
      setOnHand("RACE-01", 6);
      try (Connection admin = stack.connect();
          Statement s = admin.createStatement()) {
        s.execute("ALTER SYSTEM RESET synchronous_standby_names");
        s.execute("SELECT pg_reload_conf()");
      }
      slowCommit.get(60, TimeUnit.SECONDS);
      bridge = started.get(120, TimeUnit.SECONDS);

      // The stream is in commit order: once this arrives, so has everything committed before.
      setOnHand("RACE-02", 1);
      probe.awaitFirst(
          TopicProbe.row("inventory_levels", key("RACE-02"))
              .and(m -> m.value().contains("\"on_hand\": 1,")));
      List<Message> all = probe.poll();
      List<Long> race0 = throughFence(all, key("RACE-00"));
      assertThat(race0).as("versions of RACE-00 a consumer handles").isNotEmpty();
      assertThat(race0.get(race0.size() - 1)).as("RACE-00 as a consumer ends up").isEqualTo(1);
      List<Long> race1 = throughFence(all, key("RACE-01"));
      assertThat(race1).as("versions of RACE-01 a consumer handles").isSorted().endsWith(6L);
      assertThat(bridge.failure()).isEmpty();
    } finally {
      try (Connection admin = stack.connect();
          Statement s = admin.createStatement()) {
        s.execute("ALTER SYSTEM RESET synchronous_standby_names");
        s.execute("SELECT pg_reload_conf()");
        s.execute(
            "DO $$ BEGIN EXECUTE format('ALTER DATABASE %I RESET synchronous_commit',"
                + " current_database()); END $$");
      }
      if (bridge != null) bridge.close();
    }
  }

  @Test
  void aWalsenderKilledMidTransactionLosesNothingAndTheBridgeKeepsRunning() throws Exception {
    int keys = 100;
    int rounds = 30;
    seed("TERM", keys);
    String name = "walsender";
    try (TopicProbe probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels"));
        PostgresChangefeedBridge bridge =
            PostgresChangefeedBridge.start(config(name, INVENTORY_ONLY))) {
      int kills = 0;
      try (Connection c = stack.connect();
          PreparedStatement ps =
              c.prepareStatement(
                  "UPDATE inventory_levels SET on_hand = ? WHERE sku LIKE 'TERM-%'")) {
        for (int r = 1; r <= rounds; r++) {
          // One transaction of 100 rows: the walsender is likely mid-transaction when it dies.
          ps.setLong(1, r);
          ps.executeUpdate();
          if (r % 8 == 4) {
            terminateWalsender(name);
            kills++;
          }
        }
      }
      assertThat(kills).isEqualTo(4);
      Set<String> expected = new HashSet<>();
      for (int k = 0; k < keys; k++)
        for (int r = 1; r <= rounds; r++) expected.add(String.format("TERM-%02d=%d", k, r));
      List<Message> all =
          probe.awaitAll(
              ms -> {
                Set<String> seen = new HashSet<>();
                for (Message m : ms)
                  if (m.key() != null && m.key().startsWith("[\"TERM")) {
                    try {
                      seen.add(m.key().substring(2, 9) + "=" + onHand(m));
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }
                return seen.containsAll(expected);
              });
      assertThat(bridge.failure()).isEmpty();
      // Re-sent versions carry the updated of their first emission, and versions of a key get
      // increasing updated: a consumer's fence handles every version once, in order.
      for (int k = 0; k < keys; k++) {
        String key = key(String.format("TERM-%02d", k));
        Map<Long, Set<BigInteger>> updatedByVersion = new TreeMap<>();
        for (Message m : all)
          if (key.equals(m.key()) && onHand(m) > 0)
            updatedByVersion
                .computeIfAbsent(onHand(m), v -> new HashSet<>())
                .add(Golden.updated(m.value()));
        BigInteger previous = BigInteger.ZERO;
        for (Map.Entry<Long, Set<BigInteger>> e : updatedByVersion.entrySet()) {
          assertThat(e.getValue()).as("updated of %s on_hand=%d", key, e.getKey()).hasSize(1);
          BigInteger u = e.getValue().iterator().next();
          assertThat(u).as("updated of %s on_hand=%d", key, e.getKey()).isGreaterThan(previous);
          previous = u;
        }
        assertThat(throughFence(all, key))
            .as("versions of %s a consumer handles", key)
            .containsExactlyElementsOf(oneTo(rounds));
      }
    }
  }

  static List<Long> oneTo(int n) {
    List<Long> out = new ArrayList<>();
    for (long v = 1; v <= n; v++) out.add(v);
    return out;
  }

  /** Waits until the slot's walsender runs (Debezium is connected), then terminates it. */
  static void terminateWalsender(String slot) {
    await()
        .atMost(Duration.ofSeconds(120))
        .until(
            () ->
                query(
                    "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                        + " WHERE slot_name = '"
                        + slot
                        + "' AND active_pid IS NOT NULL"));
  }

  @Test
  void aMissingReplicationSlotWithStoredOffsetsStopsTheBridgeAndSaysWhatToDo() throws Exception {
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
