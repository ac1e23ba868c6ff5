package io.stockflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.consumer.ChangefeedMeters;
import io.stockflow.db.Database;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.CockroachChangefeedSql.SinkOptions;
import io.stockflow.dev.DevSettings;
import io.stockflow.dev.DevStack;
import io.stockflow.platform.ChangefeedConfiguration;
import io.stockflow.platform.CockroachChangefeed;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.CockroachContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same thin slice on a real CockroachDB with a real {@code CREATE CHANGEFEED … INTO
 * 'kafka://…'}: proves the PostgreSQL bridge's contract against the original, the changefeed
 * lifecycle ({@link CockroachChangefeed#ensure} recreating a cancelled job with {@code cursor}) and
 * the consumer's handling of schema-change backfills. Needs Docker (Testcontainers starts
 * CockroachDB and Kafka) or an existing cluster: COCKROACH_URL (jdbc:postgresql://…) plus
 * COCKROACH_KAFKA_BOOTSTRAP (a Kafka that both this process and the CockroachDB nodes reach at that
 * address). Without either it is reported as skipped, with the reason. The lifecycle and backfill
 * tests change the cluster (a cancelled job, a column added and dropped), so point COCKROACH_URL at
 * a scratch database.
 */
// Without Docker it only reports its skips, so it runs in the shared stack's lane, the shorter one.
@ResourceLock(SharedDevStack.LOCK)
class CockroachChangefeedIT {
  static final String COCKROACH_IMAGE = "cockroachdb/cockroach:v24.3.5";
  static final String KAFKA_IMAGE = "apache/kafka:3.9.1";

  @TempDir static Path dir;
  static Network network;
  static CockroachContainer cockroach;
  static KafkaContainer kafka;
  static String jdbcUrl;
  static String kafkaForClients;
  static String kafkaForCockroach;
  static DevSettings settings;
  static DevStack stack;

  /** Why this machine cannot run the test, or null. */
  static String skipReason;

  @BeforeAll
  static void startCockroachAndKafka() {
    String url = System.getenv("COCKROACH_URL");
    if (url != null && !url.isBlank()) {
      String k = System.getenv("COCKROACH_KAFKA_BOOTSTRAP");
      if (k == null || k.isBlank()) {
        skipReason =
            "CockroachDB test skipped: COCKROACH_URL is set but COCKROACH_KAFKA_BOOTSTRAP is not";
        return;
      }
      jdbcUrl = url;
      kafkaForClients = k;
      kafkaForCockroach = k;
    } else {
      if (!dockerAvailable()) {
        skipReason =
            "CockroachDB test skipped: no Docker engine for Testcontainers and no COCKROACH_URL"
                + " (there is no CockroachDB binary on this machine)";
        return;
      }
      network = Network.newNetwork();
      kafka = new KafkaContainer(KAFKA_IMAGE).withNetwork(network).withListener("kafka:19092");
      cockroach =
          new CockroachContainer(COCKROACH_IMAGE)
              .withNetwork(network)
              .withCommand("start-single-node --insecure");
      kafka.start();
      cockroach.start();
      jdbcUrl = cockroach.getJdbcUrl() + "?user=" + cockroach.getUsername() + "&sslmode=disable";
      kafkaForClients = kafka.getBootstrapServers();
      kafkaForCockroach = "kafka:19092";
    }
    settings =
        DevSettings.forTests(dir, Map.of("stockflow.changefeed.cockroach-kafka", kafkaForCockroach))
            .withExternal(jdbcUrl, kafkaForClients, null);
    stack = DevStack.start(settings);
  }

  /**
   * The assumption is checked per test, not in {@code @BeforeAll}, so the report lists each test as
   * skipped with the reason instead of a class that ran nothing.
   */
  @BeforeEach
  void requireCockroach() {
    if (skipReason != null) System.out.println("[CockroachChangefeedIT] " + skipReason);
    Assumptions.assumeTrue(skipReason == null, skipReason);
  }

  @AfterAll
  static void stop() {
    if (stack != null) stack.close();
    if (cockroach != null) cockroach.stop();
    if (kafka != null) kafka.stop();
    if (network != null) network.close();
  }

  static boolean dockerAvailable() {
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException e) {
      return false;
    }
  }

  @Test
  void realChangefeedEmitsTheContractAndStartsTheRestockWorkflow() throws Exception {
    assertThat(Database.vendor(ThinSliceIT.dataSource(jdbcUrl)))
        .isEqualTo(Database.Vendor.COCKROACHDB);
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE inventory_levels SET on_hand = 12 WHERE sku = 'JERKY-TERIYAKI-3OZ' AND location_id = 'SEA1'");
    }
    JsonNode value = firstChangeOf("[\"JERKY-TERIYAKI-3OZ\",\"SEA1\"]");
    assertThat(value.get("after").get("on_hand").asLong()).isEqualTo(12);
    assertThat(value.get("before").get("on_hand").asLong()).isEqualTo(120);
    assertThat(value.get("updated").asText()).matches("\\d+\\.\\d{10}");

    WorkflowClient client = stack.platform().getBean(WorkflowClient.class);
    await()
        .atMost(Duration.ofSeconds(120))
        .until(() -> !ThinSliceIT.listBySku(client, "JERKY-TERIYAKI-3OZ").isEmpty());
  }

  /**
   * The lifecycle: the running job is cancelled (as an operator might, or as a failed job ends),
   * rows are written while no feed runs, and the platform's {@link CockroachChangefeed#ensure}
   * starts a new job with {@code cursor} at the consumed high-water mark (or, while a watched topic
   * has none, at the cancelled job's high-water mark): the rows written in between arrive and the
   * consumer handles them.
   */
  @Test
  void aCancelledFeedIsRecreatedWithACursorAndTheRowsWrittenMeanwhileArrive() throws Exception {
    String sku = "JERKY-PEPPERED-3OZ";
    String location = "PDX-STORE";
    long oldJob;
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement()) {
      oldJob = runningJob(s);
      s.execute("CANCEL JOB " + oldJob);
      await().atMost(Duration.ofSeconds(60)).until(() -> "canceled".equals(jobStatus(s, oldJob)));
    }
    Hlc cancelledAt = execute(setOnHand(sku, location, 39));
    execute(setOnHand(sku, "NYC-DARK", 29));

    long newJob;
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafkaForClients))) {
      newJob =
          CockroachChangefeed.ensure(
              ThinSliceIT.dataSource(jdbcUrl),
              admin,
              ChangefeedDeclaration.stockflow().withPartitions(settings.partitions()),
              kafkaForCockroach,
              SinkOptions.defaults(),
              ChangefeedConfiguration.DEFAULT_GROUP_ID);
    }
    assertThat(newJob).isNotEqualTo(oldJob);
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT description FROM [SHOW CHANGEFEED JOBS] WHERE job_id = " + newJob)) {
      assertThat(rs.next()).isTrue();
      Matcher cursor = Pattern.compile("cursor = '([0-9.]+)'").matcher(rs.getString(1));
      assertThat(cursor.find()).as(rs.getString(1)).isTrue();
      assertThat(Hlc.parse(cursor.group(1))).isLessThanOrEqualTo(cancelledAt);
    }

    for (String loc : List.of(location, "NYC-DARK")) {
      long onHand = loc.equals(location) ? 39 : 29;
      awaitRowAfter(key(sku, loc), cancelledAt, after -> after.get("on_hand").asLong() == onHand);
      // The consumer handled it: the audit log recorded the update.
      await().atMost(Duration.ofSeconds(120)).until(() -> audited(key(sku, loc), onHand));
    }
  }

  /**
   * {@code ALTER TABLE … ADD COLUMN … DEFAULT} and {@code DROP COLUMN} make CockroachDB re-emit
   * every row ({@code schema_change_policy=backfill}, the default): the messages have both images,
   * equal in every column they share. The consumer skips them (no reaction: the audit log, which
   * records every change it is handed, gets nothing) and the next real update is handled as usual.
   */
  @Test
  void anAddColumnBackfillArrivesWithBothShapesAndProducesNoReaction() throws Exception {
    String sku = "JERKY-SWEETHOT-8OZ";
    String location = "PDX-STORE";
    String key = key(sku, location);
    Hlc before =
        execute("ALTER TABLE inventory_levels ADD COLUMN it_backfill_probe INT8 DEFAULT 7");
    JsonNode added = awaitRowAfter(key, before, after -> after.has("it_backfill_probe"));
    assertThat(added.get("after").get("it_backfill_probe").asLong()).isEqualTo(7);
    assertThat(added.get("before").isObject()).as("diff gives the old shape").isTrue();
    assertThat(added.get("before").has("it_backfill_probe")).isFalse();
    assertSharedColumnsEqual(added);

    Hlc beforeDrop = execute("ALTER TABLE inventory_levels DROP COLUMN it_backfill_probe");
    JsonNode dropped = awaitRowAfter(key, beforeDrop, after -> !after.has("it_backfill_probe"));
    assertThat(dropped.get("before").isObject()).isTrue();
    assertSharedColumnsEqual(dropped);

    // A real change after both: the consumer handles it, and it is the only thing it handled.
    execute(setOnHand(sku, location, 38));
    await().atMost(Duration.ofSeconds(120)).until(() -> audited(key, 38));
    assertThat(
            audited(key).stream()
                .filter(a -> a.updated().compareTo(before) > 0)
                .map(Audited::operation))
        .containsExactly("update");
    MeterRegistry registry = stack.platform().getBean(MeterRegistry.class);
    assertThat(
            registry
                .get(ChangefeedMeters.SKIPPED_BACKFILL)
                .tag("topic", "inventory_levels")
                .tag("subprocessor", "audit-log")
                .counter()
                .count())
        .as("at least this row's two backfills were skipped")
        .isGreaterThanOrEqualTo(2);
  }

  /** The consumer's criterion for a backfill: every column present in both images is equal. */
  static void assertSharedColumnsEqual(JsonNode message) {
    JsonNode before = message.get("before");
    JsonNode after = message.get("after");
    before
        .fieldNames()
        .forEachRemaining(
            c -> {
              if (after.has(c)) assertThat(after.get(c)).as(c).isEqualTo(before.get(c));
            });
  }

  static String key(String sku, String location) {
    return "[\"" + sku + "\", \"" + location + "\"]";
  }

  /** The key as the consumer and the audit log store it (compact JSON). */
  static String compact(String key) throws Exception {
    return new ObjectMapper().readTree(key).toString();
  }

  /** One record of the audit log (the audit-log subprocessor's table) for a row. */
  record Audited(String operation, Hlc updated, Long onHand) {}

  static List<Audited> audited(String key) throws Exception {
    List<Audited> records = new ArrayList<>();
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        PreparedStatement q =
            c.prepareStatement(
                "SELECT operation, updated_hlc, (after_row->>'on_hand')::INT8 FROM inventory_changes"
                    + " WHERE table_name = 'inventory_levels' AND row_key = ?")) {
      q.setString(1, compact(key));
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next())
          records.add(
              new Audited(
                  rs.getString(1), Hlc.parse(rs.getString(2)), rs.getObject(3, Long.class)));
      }
    }
    return records;
  }

  /**
   * Whether the audit log recorded the row with {@code onHand}: the consumer handled that change.
   */
  static boolean audited(String key, long onHand) throws Exception {
    return audited(key).stream().anyMatch(a -> Long.valueOf(onHand).equals(a.onHand()));
  }

  /** Runs {@code sql}; returns the cluster's HLC just before, which every change of it follows. */
  static Hlc execute(String sql) throws SQLException {
    try (Connection c = DriverManager.getConnection(jdbcUrl);
        Statement s = c.createStatement()) {
      Hlc now = clusterTime(s);
      s.execute(sql);
      return now;
    }
  }

  static String setOnHand(String sku, String location, long onHand) {
    return "UPDATE inventory_levels SET on_hand = "
        + onHand
        + " WHERE sku = '"
        + sku
        + "' AND location_id = '"
        + location
        + "'";
  }

  /** The first message of row {@code key} after {@code since} whose after image matches. */
  static JsonNode awaitRowAfter(String key, Hlc since, Predicate<JsonNode> after) throws Exception {
    return awaitChangeOf(
        key,
        m ->
            !m.get("after").isNull()
                && after.test(m.get("after"))
                && Hlc.parse(m.get("updated").asText()).compareTo(since) > 0);
  }

  static long runningJob(Statement s) throws SQLException {
    try (ResultSet rs =
        s.executeQuery(
            "SELECT job_id FROM [SHOW CHANGEFEED JOBS] WHERE status = 'running'"
                + " ORDER BY created DESC LIMIT 1")) {
      if (!rs.next()) throw new IllegalStateException("no running changefeed job");
      return rs.getLong(1);
    }
  }

  static String jobStatus(Statement s, long job) throws SQLException {
    try (ResultSet rs =
        s.executeQuery("SELECT status FROM [SHOW CHANGEFEED JOBS] WHERE job_id = " + job)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** The cluster's HLC now, in the changefeed's text form. */
  static Hlc clusterTime(Statement s) throws SQLException {
    try (ResultSet rs = s.executeQuery("SELECT cluster_logical_timestamp()::STRING")) {
      rs.next();
      return Hlc.parse(rs.getString(1));
    }
  }

  static JsonNode firstChangeOf(String key) throws Exception {
    return awaitChangeOf(key, m -> true);
  }

  /** The first message of the row {@code key} on inventory_levels that {@code matches}. */
  static JsonNode awaitChangeOf(String key, Predicate<JsonNode> matches) throws Exception {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafkaForClients);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "crdb-it-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    ObjectMapper json = new ObjectMapper();
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(p, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of("inventory_levels"));
      List<JsonNode> found = new ArrayList<>();
      await()
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500)))
                  if (r.key() != null && json.readTree(key).equals(json.readTree(r.key()))) {
                    JsonNode value = json.readTree(r.value());
                    if (matches.test(value)) found.add(value);
                  }
                return !found.isEmpty();
              });
      return found.get(0);
    }
  }
}
