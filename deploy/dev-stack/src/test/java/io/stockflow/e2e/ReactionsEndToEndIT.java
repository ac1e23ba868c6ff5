package io.stockflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.dev.DevSettings;
import io.stockflow.dev.DevStack;
import io.stockflow.platform.cli.DeadLettersCli;
import io.stockflow.workflows.alerts.AlertClient;
import io.stockflow.workflows.orders.OrderFulfilmentClient;
import io.stockflow.workflows.reservations.ReservationExpiryClient;
import io.stockflow.workflows.sync.ChannelSyncClient;
import io.temporal.client.WorkflowClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * Every reaction besides restock, each triggered the way production triggers it — a SQL write or an
 * API call, through the changefeed bridge, Kafka, the consumer and a subprocessor, into a workflow
 * on the real Temporal dev server — and the ops surface (acknowledge, status, dead letters and
 * their CLI) working through the platform's adapters. On the shared stack (starting one is the slow
 * part); the demo SKUs' rows are this class's to change.
 */
@ResourceLock(SharedDevStack.LOCK)
class ReactionsEndToEndIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String KEY = DevSettings.DEFAULT_DEV_API_KEY;

  @RegisterExtension static final SharedDevStack shared = new SharedDevStack();

  static DevStack stack;
  static HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void sharedStack() {
    // Reservations expire after 3 s and the damage-report reaction is listed: see
    // SharedDevStack.PROPERTIES.
    stack = shared.get();
  }

  @Test
  void outOfStockWriteRaisesOneAlertThatReplayDoesNotRepeatAndOpsAcknowledge() throws Exception {
    sql(
        "UPDATE inventory_levels SET on_hand = 0 WHERE sku = 'JERKY-ORIGINAL-3OZ' AND location_id = 'NYC-DARK'");
    String alertId =
        await("out-of-stock alert row")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    queryOne(
                        "SELECT id FROM alerts WHERE kind = 'out_of_stock'"
                            + " AND sku = 'JERKY-ORIGINAL-3OZ' AND location_id = 'NYC-DARK'"),
                id -> id != null);
    awaitWorkflow(
        "Kind = '" + AlertClient.KIND + "' AND Sku = 'JERKY-ORIGINAL-3OZ'",
        "alert/out_of_stock/JERKY-ORIGINAL-3OZ/NYC-DARK");

    // Replay the row through the changefeed: every subscriber runs again, no second alert.
    HttpResponse<String> replay =
        post(
            "/ops/replay",
            "{\"table\":\"inventory_levels\",\"key\":[\"JERKY-ORIGINAL-3OZ\",\"NYC-DARK\"]}");
    assertThat(replay.statusCode()).as(replay.body()).isEqualTo(200);
    await("replayed change handled by the audit log")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count(
                        "SELECT count(*) FROM inventory_changes WHERE row_key LIKE '%JERKY-ORIGINAL-3OZ%NYC-DARK%'")
                    >= 2);
    assertThat(
            count(
                "SELECT count(*) FROM alerts WHERE kind = 'out_of_stock' AND sku = 'JERKY-ORIGINAL-3OZ'"))
        .isEqualTo(1);

    HttpResponse<String> ack = post("/ops/alerts/" + alertId + "/acknowledge", "");
    assertThat(ack.statusCode()).as(ack.body()).isEqualTo(200);
    await("alert acknowledged by the workflow")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> queryOne("SELECT status FROM alerts WHERE id = '" + alertId + "'"),
            "acknowledged"::equals);
  }

  @Test
  void cycleCountFarFromTheBookRaisesAVarianceAlert() throws Exception {
    // Book 40, counted 60: 20 units off, over the 10-unit threshold.
    sql(
        "UPDATE inventory_levels SET on_hand = 60, last_counted_at = now()"
            + " WHERE sku = 'JERKY-TERIYAKI-8OZ' AND location_id = 'PDX-STORE'");
    await("count-variance alert")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                count(
                    "SELECT count(*) FROM alerts WHERE kind = 'count_variance'"
                        + " AND sku = 'JERKY-TERIYAKI-8OZ' AND location_id = 'PDX-STORE'"),
            n -> n == 1);
    assertThat(
            queryOne(
                "SELECT details->>'countedOnHand' FROM alerts WHERE kind = 'count_variance'"
                    + " AND sku = 'JERKY-TERIYAKI-8OZ'"))
        .isEqualTo("60");
  }

  @Test
  void stockChangeIsPushedToEveryChannelAsAvailableToSell() throws Exception {
    sql(
        "UPDATE inventory_levels SET on_hand = 100 WHERE sku = 'JERKY-SWEETHOT-8OZ' AND location_id = 'SEA1'");
    // Σ max(0, on_hand − allocated − reserved − safety_stock): SEA1 100−5, PDX 40−2, NYC 30−2.
    await("channel projection for JERKY-SWEETHOT-8OZ")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () ->
                queryAll(
                    "SELECT channel_id || '=' || available_to_sell || '/' || status"
                        + " FROM channel_availability WHERE sku = 'JERKY-SWEETHOT-8OZ' ORDER BY 1"),
            rows -> rows.equals(List.of("marketplace=161/in_stock", "web-store=161/in_stock")));
    // The SKU's bucket workflow (no Sku attribute: a bucket serves many SKUs).
    awaitWorkflow(
        "Kind = '" + ChannelSyncClient.KIND + "'",
        stack.platform().getBean(ChannelSyncClient.class).workflowIdOf("JERKY-SWEETHOT-8OZ"));
  }

  @Test
  void unconfirmedReservationExpiresThroughItsWorkflowAndReturnsTheStock() throws Exception {
    long reservedBefore = reservedAt("JERKY-PEPPERED-3OZ");
    HttpResponse<String> reserve =
        post(
            "/reservations",
            "{\"cartId\":\"cart-e2e-expiry\",\"lines\":[{\"lineNo\":1,\"sku\":\"JERKY-PEPPERED-3OZ\",\"quantity\":4}]}");
    assertThat(reserve.statusCode()).as(reserve.body()).isEqualTo(201);
    assertThat(JSON.readTree(reserve.body()).path("expiresAt").asText())
        .as("ISO-8601 timestamps")
        .matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
    assertThat(reservedAt("JERKY-PEPPERED-3OZ")).isEqualTo(reservedBefore + 4);

    await("reservation expired by its workflow")
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(
            () -> queryOne("SELECT status FROM reservations WHERE cart_id = 'cart-e2e-expiry'"),
            "expired"::equals);
    assertThat(reservedAt("JERKY-PEPPERED-3OZ")).isEqualTo(reservedBefore);
    String reservationId =
        queryOne("SELECT id FROM reservations WHERE cart_id = 'cart-e2e-expiry'");
    awaitWorkflow(
        "Kind = '" + ReservationExpiryClient.KIND + "'",
        ReservationExpiryClient.workflowId(reservationId));
  }

  @Test
  void confirmedOrderIsWatchedByItsFulfilmentWorkflowUntilShipped() throws Exception {
    String cart = "cart-e2e-order";
    String line =
        "{\"cartId\":\""
            + cart
            + "\",\"lines\":[{\"lineNo\":1,\"sku\":\"JERKY-TERIYAKI-8OZ\",\"quantity\":2}]}";
    assertThat(post("/reservations", line).statusCode()).isEqualTo(201);
    assertThat(post("/reservations/" + cart + "/confirm", "").statusCode()).isEqualTo(200);
    HttpResponse<String> created = post("/orders", "{\"cartId\":\"" + cart + "\"}");
    assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    String orderId = JSON.readTree(created.body()).path("id").asText();
    transition(orderId, "confirmed");

    String workflowId = OrderFulfilmentClient.workflowId(orderId);
    awaitWorkflow(
        "Kind = '" + OrderFulfilmentClient.KIND + "' AND ExecutionStatus = 'Running'", workflowId);

    for (String status : List.of("picked", "packed", "shipped")) transition(orderId, status);
    awaitWorkflow(
        "Kind = '" + OrderFulfilmentClient.KIND + "' AND ExecutionStatus = 'Completed'",
        workflowId);
  }

  private static void transition(String orderId, String status) throws Exception {
    HttpResponse<String> r =
        post("/orders/" + orderId + "/transitions", "{\"status\":\"" + status + "\"}");
    assertThat(r.statusCode()).as(status + ": " + r.body()).isEqualTo(200);
  }

  @Test
  void aReactionAddedWithOneClassAndOneConfigLineSeesSqlWrites() throws Exception {
    sql(
        "UPDATE inventory_levels SET damaged = 3 WHERE sku = 'JERKY-ORIGINAL-3OZ' AND location_id = 'SEA1'");
    await("damage-report subprocessor called")
        .atMost(Duration.ofSeconds(60))
        .until(
            () -> List.copyOf(DamageReportSubprocessor.REPORTED),
            l -> l.contains("[\"JERKY-ORIGINAL-3OZ\",\"SEA1\"] damaged=3"));
  }

  @Test
  void poisonMessageIsDeadLetteredListedByTheCliAndARedriveReportsFailure() throws Exception {
    Properties p = new Properties();
    p.put("bootstrap.servers", stack.kafkaBootstrap());
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(p, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>("inventory_levels", "not a key", "{not json")).get();
    }
    // Later changes on the topic are still handled: the consumer is not stuck behind the poison.
    sql(
        "UPDATE inventory_levels SET damaged = 1 WHERE sku = 'JERKY-TERIYAKI-3OZ' AND location_id = 'NYC-DARK'");
    await("later change audited")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                count(
                    "SELECT count(*) FROM inventory_changes WHERE row_key LIKE '%JERKY-TERIYAKI-3OZ%NYC-DARK%'"
                        + " AND after_row->>'damaged' = '1'"),
            n -> n >= 1);
    String id =
        await("dead letter recorded")
            .atMost(Duration.ofSeconds(30))
            .until(
                () ->
                    queryOne(
                        "SELECT id FROM dead_letters WHERE source_topic = 'inventory_levels'"
                            + " AND error_class LIKE '%UndecodableMessageException'"),
                v -> v != null);

    Cli list = cli("list", "--status", "pending");
    assertThat(list.exit).as(list.err).isZero();
    assertThat(list.out).contains(id).contains("inventory_levels/");

    Cli redrive = cli("redrive", id);
    assertThat(redrive.exit).as(redrive.out + redrive.err).isEqualTo(1);
    assertThat(redrive.out).contains(id).contains("FAILED");

    HttpResponse<String> status = get("/ops/status");
    assertThat(status.statusCode()).isEqualTo(200);
    JsonNode feeds = JSON.readTree(status.body()).path("feeds");
    assertThat(feeds.findValuesAsText("topic")).contains("inventory_levels", "reservations");
  }

  @Test
  void pausedSubprocessorHoldsItsChangesUntilResumedWhileTheOthersGoOn() throws Exception {
    HttpResponse<String> pause = post("/ops/subprocessors/audit-log/pause", "");
    assertThat(pause.statusCode()).as(pause.body()).isEqualTo(200);
    assertThat(JSON.readTree(pause.body()).path("paused").asBoolean()).isTrue();
    // The switch is stored in the database and every consumer instance reads it once a second
    // (controlRefreshInterval): wait until this instance's lane applies it. Meanwhile changes are
    // parked as dead letters with reason "paused" and re-driven on resume.
    await("audit-log lane parking")
        .atMost(Duration.ofSeconds(30))
        .until(() -> laneParking("inventory_levels", "audit-log"));
    try {
      sql(
          "UPDATE inventory_levels SET on_hand = 41 WHERE sku = 'JERKY-TERIYAKI-3OZ' AND location_id = 'PDX-STORE'");
      // channel-sync, on the same topic, still reacts: the paused subprocessor holds only itself.
      // SEA1 120−5, PDX 41−2, NYC 30−2 (damaged units are not subtracted).
      await("channel projection moved while audit-log is paused")
          .atMost(Duration.ofSeconds(90))
          .until(
              () ->
                  queryOne(
                      "SELECT available_to_sell FROM channel_availability"
                          + " WHERE channel_id = 'web-store' AND sku = 'JERKY-TERIYAKI-3OZ'"),
              "182"::equals);
      assertThat(auditedOnHand41()).isZero();
      JsonNode subs = JSON.readTree(get("/ops/status").body()).path("subprocessors");
      assertThat(subs.findParents("name").stream())
          .anySatisfy(
              n -> {
                assertThat(n.path("name").asText()).isEqualTo("audit-log");
                assertThat(n.path("paused").asBoolean()).isTrue();
              });
    } finally {
      HttpResponse<String> resume = post("/ops/subprocessors/audit-log/resume", "");
      assertThat(resume.statusCode()).as(resume.body()).isEqualTo(200);
    }
    await("held change audited after resume")
        .atMost(Duration.ofSeconds(60))
        .until(ReactionsEndToEndIT::auditedOnHand41, n -> n == 1);
  }

  private static boolean laneParking(String topic, String subprocessor) throws Exception {
    for (JsonNode feed : JSON.readTree(get("/ops/status").body()).path("feeds"))
      if (feed.path("topic").asText().equals(topic))
        for (JsonNode lane : feed.path("lanes"))
          if (lane.path("subprocessor").asText().equals(subprocessor))
            return lane.path("parking").asBoolean();
    throw new AssertionError("no lane " + subprocessor + " on " + topic);
  }

  private static long auditedOnHand41() throws Exception {
    return count(
        "SELECT count(*) FROM inventory_changes WHERE row_key LIKE '%JERKY-TERIYAKI-3OZ%PDX-STORE%'"
            + " AND after_row->>'on_hand' = '41'");
  }

  @Test
  void healthReportsTheConsumerPerTopicTheWorkerAndTheBridge() throws Exception {
    HttpResponse<String> health = get("/health");
    assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
    JsonNode details = JSON.readTree(health.body()).path("details");
    JsonNode changefeed = details.path("changefeed");
    assertThat(changefeed.path("status").asText()).isEqualTo("UP");
    assertThat(changefeed.path("details").path("inventory_levels").path("consuming").asBoolean())
        .isTrue();
    assertThat(changefeed.path("details").path("reservations").path("consuming").asBoolean())
        .isTrue();
    JsonNode worker = details.path("worker");
    assertThat(worker.path("status").asText()).isEqualTo("UP");
    assertThat(worker.path("details").path("polling").asBoolean()).isTrue();
    assertThat(worker.path("details").path("temporalReachable").asBoolean()).isTrue();
    // The dev stack runs the PostgreSQL changefeed bridge and reports it too.
    assertThat(details.path("bridge").path("status").asText()).isEqualTo("UP");
  }

  @Test
  void openapiDocumentAndSwaggerUiAreServedWithoutAKey() throws Exception {
    HttpResponse<String> ui =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/swagger-ui/index.html")).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(ui.statusCode()).isEqualTo(200);
    HttpResponse<String> spec =
        http.send(
            HttpRequest.newBuilder(URI.create(stack.apiUrl() + "/swagger/stockflow-api-0.1.yml"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(spec.statusCode()).isEqualTo(200);
    assertThat(spec.body()).contains("/reservations").contains("/ops/dead-letters");
  }

  // --- helpers -----------------------------------------------------------------------------

  record Cli(int exit, String out, String err) {}

  static Cli cli(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int exit =
        new DeadLettersCli(
                URI.create(stack.apiUrl()),
                KEY,
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run(args);
    return new Cli(
        exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  static HttpResponse<String> post(String path, String json) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
            .header("X-API-Key", KEY)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static HttpResponse<String> get(String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(stack.apiUrl() + path)).header("X-API-Key", KEY).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static long reservedAt(String sku) throws Exception {
    return count(
        "SELECT coalesce(sum(reserved), 0) FROM inventory_levels WHERE sku = '" + sku + "'");
  }

  /** Temporal's visibility store is eventually consistent: the list may trail the workflow. */
  static void awaitWorkflow(String query, String workflowId) {
    await("workflow " + workflowId + " listed for " + query)
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> workflowIds(query), ids -> ids.contains(workflowId));
  }

  static List<String> workflowIds(String query) {
    return ThinSliceIT.list(stack.platform().getBean(WorkflowClient.class), query).stream()
        .map(w -> w.getExecution().getWorkflowId())
        .toList();
  }

  static void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl());
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  static long count(String query) throws Exception {
    String v = queryOne(query);
    return v == null ? 0 : Long.parseLong(v);
  }

  static String queryOne(String query) throws Exception {
    List<String> all = queryAll(query);
    return all.isEmpty() ? null : all.get(0);
  }

  static List<String> queryAll(String query) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      List<String> rows = new ArrayList<>();
      while (rs.next()) rows.add(rs.getString(1));
      return rows;
    }
  }
}
