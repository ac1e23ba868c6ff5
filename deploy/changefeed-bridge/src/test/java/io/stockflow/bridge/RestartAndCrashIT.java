package io.stockflow.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.bridge.support.Golden;
import io.stockflow.bridge.support.TestStack;
import io.stockflow.bridge.support.TopicProbe;
import io.stockflow.bridge.support.TopicProbe.Message;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.Statement;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Nothing committed is lost across a clean restart or a kill -9 of the bridge process. */
class RestartAndCrashIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  @RegisterExtension static final TestStack stack = new TestStack();

  @BeforeAll
  static void seedLocation() throws Exception {
    stack.tx(
        "INSERT INTO locations (id, name, kind, region) VALUES ('SEA1', 'Seattle', 'fulfilment_centre', 'us-west')");
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

  /** "sku=on_hand" of every row message seen for SKUs starting with {@code prefix}. */
  static Set<String> versions(List<Message> messages, String prefix) throws Exception {
    Set<String> out = new HashSet<>();
    for (Message m : messages) {
      if (m.key() == null || !m.key().startsWith("[\"" + prefix)) continue;
      var after = JSON.readTree(m.value()).get("after");
      if (after.isNull()) continue;
      out.add(after.get("sku").asText() + "=" + after.get("on_hand").asLong());
    }
    return out;
  }

  @Test
  void aCleanRestartResumesWhereItStoppedAndLosesNothingWrittenMeanwhile() throws Exception {
    seed("RST", 1);
    BridgeConfig config =
        BridgeConfig.of(
                ChangefeedDeclaration.stockflow(),
                stack.jdbcUrl(),
                stack.bootstrap(),
                dir.resolve("restart"))
            .withSlotName("restart")
            .withPublicationName("restart");
    try (TopicProbe probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels"))) {
      try (PostgresChangefeedBridge bridge = PostgresChangefeedBridge.start(config)) {
        setOnHand("RST-00", 1);
        probe.awaitFirst(
            TopicProbe.row("inventory_levels", key("RST-00"))
                .and(m -> m.value().contains("\"on_hand\": 1,")));
      }
      for (long v = 2; v <= 5; v++) setOnHand("RST-00", v);
      try (PostgresChangefeedBridge bridge = PostgresChangefeedBridge.start(config)) {
        setOnHand("RST-00", 6);
        List<Message> all =
            probe.awaitAll(
                ms -> {
                  try {
                    return versions(ms, "RST").contains("RST-00=6");
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        assertThat(versions(all, "RST"))
            .contains("RST-00=1", "RST-00=2", "RST-00=3", "RST-00=4", "RST-00=5", "RST-00=6");
      }
    }
  }

  @Test
  void initialScanEmitsCurrentRowsOnceAsInsertsAtOneTimestamp() throws Exception {
    seed("SCAN", 2);
    setOnHand("SCAN-01", 9);
    BigInteger beforeScan;
    try (Connection c = stack.connect()) {
      beforeScan = Golden.clockNanos(c).multiply(BigInteger.TEN.pow(10));
    }
    BridgeConfig config =
        BridgeConfig.of(
                ChangefeedDeclaration.stockflow().withInitialScan(true),
                stack.jdbcUrl(),
                stack.bootstrap(),
                dir.resolve("scan"))
            .withSlotName("scan")
            .withPublicationName("scan");
    try (TopicProbe probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels"))) {
      try (PostgresChangefeedBridge bridge = PostgresChangefeedBridge.start(config)) {
        Message first = probe.awaitFirst(TopicProbe.row("inventory_levels", key("SCAN-00")));
        Message second = probe.awaitFirst(TopicProbe.row("inventory_levels", key("SCAN-01")));
        assertThat(first.value()).startsWith("{\"after\": {").contains("\"before\": null");
        assertThat(second.value()).contains("\"on_hand\": 9,").contains("\"before\": null");
        assertThat(Golden.updated(first.value()))
            .isEqualTo(Golden.updated(second.value()))
            .isGreaterThan(beforeScan);

        setOnHand("SCAN-01", 10);
        Message change =
            probe.awaitFirst(
                TopicProbe.row("inventory_levels", key("SCAN-01"))
                    .and(m -> m.value().contains("\"on_hand\": 10,")));
        assertThat(Golden.updated(change.value())).isGreaterThan(Golden.updated(second.value()));
      }
      assertThat(dir.resolve("scan").resolve("initial-scan.done")).exists();
      try (PostgresChangefeedBridge bridge = PostgresChangefeedBridge.start(config)) {
        BigInteger restarted;
        try (Connection c = stack.connect()) {
          restarted = Golden.clockNanos(c).multiply(BigInteger.TEN.pow(10));
        }
        // Once a resolved timestamp after the restart reaches every partition, a second scan
        // would have been written; there is none.
        List<Message> all =
            probe.awaitAll(
                ms ->
                    ms.stream()
                            .filter(
                                m ->
                                    m.key() == null
                                        && Golden.resolved(m.value()).compareTo(restarted) > 0)
                            .map(Message::partition)
                            .distinct()
                            .count()
                        == 3);
        assertThat(all.stream().filter(TopicProbe.row("inventory_levels", key("SCAN-00"))))
            .hasSize(1);
      }
    }
  }

  @Test
  void kill9OfTheBridgeProcessMidStreamLosesNoCommittedChange() throws Exception {
    int keys = 50;
    int roundsAfterKill = 5;
    seed("CRASH", keys);
    Path data = dir.resolve("crash");
    Files.createDirectories(data);
    try (TopicProbe probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels"))) {
      Process bridge = startChild(data, "first");
      try {
        // The writer runs until it is told to stop, not for a fixed count: how fast PostgreSQL
        // commits must not decide whether the kill lands mid-stream. Every committed version is
        // recorded, and exactly those must arrive.
        Set<String> committed = ConcurrentHashMap.newKeySet();
        AtomicInteger stopAfterRound = new AtomicInteger(Integer.MAX_VALUE);
        AtomicInteger round = new AtomicInteger();
        CompletableFuture<Void> writer =
            CompletableFuture.runAsync(
                () -> {
                  try (Connection c = stack.connect();
                      PreparedStatement ps =
                          c.prepareStatement(
                              "UPDATE inventory_levels SET on_hand = ? WHERE sku = ?")) {
                    for (int r = 1; r <= stopAfterRound.get(); r++) {
                      round.set(r);
                      for (int k = 0; k < keys; k++) {
                        String sku = String.format("CRASH-%02d", k);
                        ps.setLong(1, r);
                        ps.setString(2, sku);
                        ps.executeUpdate();
                        committed.add(sku + "=" + r);
                      }
                    }
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        // Kill it once it has demonstrably streamed part of the changes, while writes continue.
        probe.awaitAll(
            ms ->
                ms.stream().filter(m -> m.key() != null && m.key().startsWith("[\"CRASH")).count()
                    >= 300);
        assertThat(writer).isNotDone();
        bridge.destroyForcibly();
        assertThat(bridge.waitFor(30, TimeUnit.SECONDS)).isTrue();
        // A few more rounds are committed while no bridge runs.
        stopAfterRound.set(round.get() + roundsAfterKill);
        writer.get(120, TimeUnit.SECONDS);

        bridge = startChild(data, "second");
        Set<String> expected = Set.copyOf(committed);
        assertThat(expected).hasSizeGreaterThan(300 + keys * roundsAfterKill - keys);
        List<Message> all =
            probe.awaitAll(
                ms -> {
                  try {
                    return versions(ms, "CRASH").containsAll(expected);
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                });
        assertThat(versions(all, "CRASH")).containsAll(expected);
      } finally {
        bridge.destroyForcibly();
        bridge.waitFor(30, TimeUnit.SECONDS);
      }
    }
  }

  /** Starts {@link BridgeMain} in its own JVM and waits until it streams. */
  static Process startChild(Path data, String name) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = data.resolveSibling("bridge-" + name + ".log");
    // A short-lived JVM on a 2-core machine: the C1 compiler and the serial collector start it in
    // less CPU than C2 and G1's background threads, which compete with the test's own JVM.
    ProcessBuilder pb =
        new ProcessBuilder(
                java,
                "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC",
                "-cp",
                System.getProperty("java.class.path"),
                BridgeMain.class.getName())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("STOCKFLOW_DATABASE_URL", stack.jdbcUrl());
    pb.environment().put("STOCKFLOW_KAFKA_BOOTSTRAP", stack.bootstrap());
    pb.environment().put("STOCKFLOW_BRIDGE_DATA_DIR", data.toString());
    pb.environment().put("STOCKFLOW_BRIDGE_SLOT", "crash");
    pb.environment().put("STOCKFLOW_BRIDGE_PUBLICATION", "crash");
    Process p = pb.start();
    try {
      await()
          .atMost(Duration.ofSeconds(120))
          .until(
              () -> {
                if (!p.isAlive())
                  throw new AssertionError("bridge process exited: " + Files.readString(log));
                return Files.exists(log) && Files.readString(log).contains("streaming");
              });
      return p;
    } catch (RuntimeException | AssertionError e) {
      p.destroyForcibly();
      throw e;
    }
  }
}
