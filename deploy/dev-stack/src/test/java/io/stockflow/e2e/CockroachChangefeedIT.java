package io.stockflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.db.Database;
import io.stockflow.dev.DevSettings;
import io.stockflow.dev.DevStack;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
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
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.CockroachContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.kafka.KafkaContainer;

/**
 * The same thin slice on a real CockroachDB with a real {@code CREATE CHANGEFEED … INTO
 * 'kafka://…'}: proves the PostgreSQL bridge's contract against the original. Needs Docker
 * (Testcontainers starts CockroachDB and Kafka) or an existing cluster: COCKROACH_URL
 * (jdbc:postgresql://…) plus COCKROACH_KAFKA_BOOTSTRAP (a Kafka that both this process and the
 * CockroachDB nodes reach at that address). Without either it is reported as skipped, with the
 * reason.
 */
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
    stack =
        DevStack.start(
            DevSettings.forTests(
                    dir, Map.of("stockflow.changefeed.cockroach-kafka", kafkaForCockroach))
                .withExternal(jdbcUrl, kafkaForClients, null));
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

  static JsonNode firstChangeOf(String key) throws Exception {
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
                  if (r.key() != null && json.readTree(key).equals(json.readTree(r.key())))
                    found.add(json.readTree(r.value()));
                return !found.isEmpty();
              });
      return found.get(0);
    }
  }
}
