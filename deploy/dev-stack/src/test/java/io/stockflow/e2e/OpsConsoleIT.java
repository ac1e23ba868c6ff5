package io.stockflow.e2e;

import static io.stockflow.db.jooq.Tables.ALERTS;
import static io.stockflow.db.jooq.Tables.DEAD_LETTERS;
import static io.stockflow.db.jooq.Tables.INVENTORY_CHANGES;
import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.SUBPROCESSOR_STATE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockflow.api.security.ApiKeys;
import io.stockflow.db.Database;
import io.stockflow.db.jooq.tables.records.AlertsRecord;
import io.stockflow.db.jooq.tables.records.DeadLettersRecord;
import io.stockflow.dev.DevSettings;
import io.stockflow.dev.DevStack;
import io.temporal.client.WorkflowClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The ops console (deploy/platform's {@code /console/}) in headless Chromium against the real dev
 * stack: an operator logs in with the API key, watches the lanes, pauses and resumes a
 * subprocessor, inspects and re-drives the changes parked meanwhile, replays a row and acknowledges
 * an alert. Every action is checked where it takes effect (database, API, Temporal), not only on
 * the page. Each step is one action of deploy/ui-check/console.mjs (playwright-core, one Chromium
 * for the class, a fresh browser context per action) and saves a screenshot to target/console/ (the
 * ones README.md shows to docs/console/ with {@code -Dconsole.screenshots=docs/console}).
 *
 * <p>It runs on the {@link SharedDevStack} (the associate key is among its properties) and writes
 * only rows of its own SKUs. Pausing the audit log is the one change it makes to shared state; it
 * resumes the lane in a {@code finally}.
 */
@ResourceLock(SharedDevStack.LOCK)
class OpsConsoleIT {
  static final String OPS_KEY = DevSettings.DEFAULT_DEV_API_KEY;
  static final String ASSOCIATE_KEY = "console-it-associate-key";
  static final ObjectMapper JSON = new ObjectMapper();

  /** Parked and re-driven while the audit log is paused. */
  static final String PARKED_SKU = "CONSOLE-TERIYAKI-3OZ";

  /** Low on stock, so that the console lists an alert. */
  static final String ALERT_SKU = "CONSOLE-PEPPERED-3OZ";

  /** Replayed through the form. */
  static final String REPLAY_SKU = "CONSOLE-ORIGINAL-3OZ";

  @RegisterExtension static final SharedDevStack shared = new SharedDevStack();
  static DevStack stack;
  static DSLContext sql;
  static ConsoleSession console;

  @BeforeAll
  static void ownRows() throws IOException {
    assertBrowserInstalled();
    stack = shared.get();
    sql = Database.dsl(ThinSliceIT.dataSource(stack.jdbcUrl()));
    shared.addSku(PARKED_SKU);
    shared.addSku(ALERT_SKU);
    shared.addSku(REPLAY_SKU);
    console = new ConsoleSession(stack.apiUrl() + "/console/");
  }

  @AfterAll
  static void closeBrowser() throws InterruptedException {
    if (console != null) console.close();
  }

  @Test
  void thePageHoldsNoDataAndSaysWhyAKeyIsRefused() throws Exception {
    HttpResponse<String> page = get("/console/", null);
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type"))
        .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
    assertThat(page.body()).contains("API key").doesNotContain("inventory_levels");
    assertThat(get("/ops/console/settings", null).statusCode()).isEqualTo(401);

    JsonNode unknown = browser(scratch("login-unknown-key.png"), "refused", null, "not-a-key");
    assertThat(unknown.path("message").asText()).contains("401").contains("not accepted");
    assertThat(unknown.path("loginShown").asBoolean()).isTrue();
    JsonNode associate = browser(docs("login-refused.png"), "refused", null, ASSOCIATE_KEY);
    assertThat(associate.path("message").asText()).contains("403").contains("ops role");
  }

  @Test
  void changesParkedWhileASubprocessorIsPausedAreInspectedAndReDrivenThroughThePage()
      throws Exception {
    try {
      JsonNode paused = browser(scratch("paused.png"), "pause", "audit-log");
      assertThat(paused.path("message").asText()).isEqualTo("audit-log paused");
      assertThat(pausedInDatabase("audit-log")).isTrue();
      assertThat(pausedInApi("audit-log")).isTrue();

      setOnHand(PARKED_SKU, "NYC-DARK", 77);
      setOnHand(PARKED_SKU, "PDX-STORE", 78);
      DeadLettersRecord first = awaitParked("[\"" + PARKED_SKU + "\", \"NYC-DARK\"]");
      DeadLettersRecord second = awaitParked("[\"" + PARKED_SKU + "\", \"PDX-STORE\"]");
      assertThat(auditedOnHands()).doesNotContain("77", "78");

      JsonNode inspected = browser(docs("dead-letter.png"), "inspect", first.getId().toString());
      assertThat(inspected.path("error").asText()).isEqualTo("paused: " + first.getErrorMessage());
      assertThat(inspected.path("payload").asText()).contains("\"on_hand\": 77");
      // audit-log drives no workflow, so the links filter by the row's SKU alone.
      assertThat(inspected.path("workflowsLink").asText())
          .isEqualTo(workflowsLink("Sku=\"" + PARKED_SKU + "\""));
      assertThat(inspected.path("rowWorkflowsLink").asText())
          .isEqualTo(workflowsLink("Sku=\"" + PARKED_SKU + "\""));

      JsonNode redriven = browser(scratch("redriven.png"), "redrive", first.getId().toString());
      assertThat(redriven.path("message").asText()).contains("REDRIVEN");
      assertThat(status(first)).isEqualTo("redriven");
      assertThat(status(second)).isEqualTo("pending");
      assertThat(auditedOnHands()).contains("77").doesNotContain("78");

      JsonNode all = browser(scratch("redriven-all.png"), "redrive-all", null);
      // Re-drive all also takes any other change parked while the lane was paused (the stack is
      // shared: a reservation of an earlier class may expire meanwhile and return its stock), so
      // the count is at least this test's second letter.
      assertThat(all.path("message").asText())
          .containsPattern("[1-9]\\d* re-driven, 0 failed, 0 skipped");
      assertThat(status(second)).isEqualTo("redriven");
      assertThat(auditedOnHands()).contains("77", "78");

      JsonNode resumed = browser(scratch("resumed.png"), "resume", "audit-log");
      assertThat(resumed.path("message").asText()).isEqualTo("audit-log resumed");
      assertThat(pausedInDatabase("audit-log")).isFalse();
      assertThat(pausedInApi("audit-log")).isFalse();
      setOnHand(PARKED_SKU, "NYC-DARK", 79);
      await("the audit log handles live changes again")
          .atMost(Duration.ofSeconds(60))
          .until(() -> auditedOnHands().contains("79"));
      // The live change was not parked: the two letters are all the audit log has of these rows.
      assertThat(
              sql.fetchCount(
                  DEAD_LETTERS,
                  DEAD_LETTERS
                      .SUBPROCESSOR
                      .eq("audit-log")
                      .and(
                          DEAD_LETTERS.MESSAGE_KEY.in(
                              "[\"" + PARKED_SKU + "\", \"NYC-DARK\"]",
                              "[\"" + PARKED_SKU + "\", \"PDX-STORE\"]"))))
          .isEqualTo(2);
    } finally {
      post("/ops/subprocessors/audit-log/resume");
    }
  }

  @Test
  void anOpenAlertLinksToItsWorkflowAndIsAcknowledgedThroughThePage() throws Exception {
    setOnHand(ALERT_SKU, "SEA1", 3);
    AlertsRecord alert =
        await("a low-stock alert")
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    sql.selectFrom(ALERTS)
                        .where(ALERTS.SKU.eq(ALERT_SKU))
                        .and(ALERTS.STATUS.eq("open"))
                        .fetchOne(),
                a -> a != null);

    JsonNode overview = browser(docs("overview.png"), "overview", null);
    assertThat(overview.path("keyInPage").asBoolean()).isFalse();
    // The shared stack's inventory_levels lanes include the test-only damage-report reaction.
    assertThat(texts(overview.path("lanes")))
        .hasSize(8)
        .anySatisfy(l -> assertThat(l).startsWith("inventory_levels audit-log running"))
        .anySatisfy(l -> assertThat(l).startsWith("orders order-fulfilment running"));
    // processed · dead-lettered · parked: the audit log has handled this test's change at least.
    String auditLog = overview.path("laneTotals").path("inventory_levels/audit-log").asText();
    assertThat(Long.parseLong(auditLog.split(" · ")[0])).isPositive();
    assertThat(texts(overview.path("laneWorkflowLinks")))
        .contains(workflowsLink("Kind=\"restock\""), workflowsLink("Kind=\"alert\""));
    assertThat(texts(overview.path("alerts")))
        .anySatisfy(a -> assertThat(a).contains("low_stock").contains("Only 3 left at SEA1"));
    String query = "Kind=\"alert\" AND Sku=\"" + ALERT_SKU + "\"";
    assertThat(texts(overview.path("alertWorkflowLinks"))).contains(workflowsLink(query));
    // The link's filter finds the alert's workflow (the same query, asked of Temporal directly).
    WorkflowClient temporal = stack.platform().getBean(WorkflowClient.class);
    await("the alert workflow is visible to the link's query")
        .atMost(Duration.ofSeconds(30))
        .until(() -> ThinSliceIT.list(temporal, query), l -> !l.isEmpty());

    JsonNode acknowledged =
        browser(scratch("acknowledged.png"), "acknowledge", alert.getId().toString());
    assertThat(acknowledged.path("message").asText()).isEqualTo("Alert acknowledged");
    AlertsRecord after = sql.selectFrom(ALERTS).where(ALERTS.ID.eq(alert.getId())).fetchOne();
    assertThat(after.getStatus()).isEqualTo("acknowledged");
    assertThat(after.getAcknowledgedBy())
        .isEqualTo(
            stack
                .platform()
                .getBean(ApiKeys.class)
                .find(DevSettings.DEFAULT_DEV_API_KEY)
                .orElseThrow()
                .principal());
  }

  @Test
  void theReplayFormShowsTheApisProblemsAndReplaysARowByKey() throws Exception {
    JsonNode refused =
        browser(
            docs("replay-error.png"),
            "replay",
            "{\"table\":\"inventory_levels\",\"filter\":\"colour=red\"}",
            OPS_KEY);
    assertThat(refused.path("result").asText())
        .startsWith("422 Invalid request")
        .contains("filter.colour: no column 'colour' in inventory_levels");

    OffsetDateTime before = lastUpdated(REPLAY_SKU, "SEA1");
    JsonNode replayed =
        browser(
            scratch("replayed.png"),
            "replay",
            "{\"table\":\"inventory_levels\",\"key\":\"" + REPLAY_SKU + ", SEA1\"}",
            OPS_KEY);
    assertThat(replayed.path("result").asText()).isEqualTo("1 row(s) of inventory_levels replayed");
    assertThat(lastUpdated(REPLAY_SKU, "SEA1")).isAfter(before);
    await("the replay reaches the audit log")
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                sql.fetchExists(
                    INVENTORY_CHANGES,
                    INVENTORY_CHANGES
                        .ROW_KEY
                        .eq("[\"" + REPLAY_SKU + "\",\"SEA1\"]")
                        .and(INVENTORY_CHANGES.OPERATION.eq("replay"))));
  }

  // --- the browser ------------------------------------------------------------------------------

  /**
   * A screenshot README.md shows: with the test's output, so that running the suite leaves the
   * source tree as it was; {@code -Dconsole.screenshots=docs/console} (relative to the repository)
   * writes them over the committed ones.
   */
  static Path docs(String name) {
    String dir = System.getProperty("console.screenshots");
    return dir == null || dir.isBlank()
        ? scratch(name)
        : ThinSliceIT.repoRoot().resolve(dir).resolve(name);
  }

  /** A screenshot kept only with the test's output. */
  static Path scratch(String name) {
    return Path.of("target/console").resolve(name).toAbsolutePath();
  }

  /** Runs one console action with the dev key; returns what the page showed. */
  static JsonNode browser(Path png, String action, String argument) throws Exception {
    return browser(png, action, argument, OPS_KEY);
  }

  static JsonNode browser(Path png, String action, String argument, String key) throws Exception {
    Files.createDirectories(png.getParent());
    JsonNode result = console.perform(key, png, action, argument);
    assertThat(result.path("ok").asBoolean()).as(result.path("error").asText()).isTrue();
    assertThat(Files.size(png)).as(png.toString()).isGreaterThan(10_000);
    return result;
  }

  /**
   * {@code node console.mjs <url> --session}: one Chromium for the class (a launch per action cost
   * seconds of CPU each); an action per stdin line, its result on one stdout line. Chromium's and
   * node's own messages go to this JVM's stderr, the test report.
   */
  static final class ConsoleSession implements AutoCloseable {
    private final Process node;
    private final Writer in;
    private final BufferedReader out;

    ConsoleSession(String url) throws IOException {
      node =
          new ProcessBuilder(
                  "node",
                  ThinSliceIT.repoRoot().resolve("deploy/ui-check/console.mjs").toString(),
                  url,
                  "--session")
              .redirectError(ProcessBuilder.Redirect.INHERIT)
              .start();
      in = new OutputStreamWriter(node.getOutputStream(), StandardCharsets.UTF_8);
      out =
          new BufferedReader(new InputStreamReader(node.getInputStream(), StandardCharsets.UTF_8));
    }

    JsonNode perform(String key, Path png, String action, String argument) throws IOException {
      ObjectNode step =
          JSON.createObjectNode()
              .put("key", key)
              .put("out", png.toString())
              .put("action", action)
              .put("arg", argument);
      in.write(JSON.writeValueAsString(step) + "\n");
      in.flush();
      String line = out.readLine();
      if (line == null)
        throw new AssertionError(
            "console.mjs exited (status "
                + node.onExit().join().exitValue()
                + ") during "
                + action);
      return JSON.readTree(line);
    }

    /** Closing stdin ends the session; the browser is stopped by PID if it does not exit. */
    @Override
    public void close() throws InterruptedException {
      try {
        in.close();
      } catch (IOException ignored) {
        // already gone: the PID below still applies
      }
      if (!node.waitFor(20, TimeUnit.SECONDS)) {
        node.descendants().forEach(ProcessHandle::destroyForcibly);
        node.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  /**
   * A missing browser fails the test instead of skipping it: {@code ./stockflow test} installs both
   * (deploy/install-test-tools.sh), as for the Temporal Web UI check in ThinSliceIT.
   */
  static void assertBrowserInstalled() {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    assertThat(chromium)
        .as(
            "Chromium for the console check (deploy/install-test-tools.sh installs it, or set CHROMIUM)")
        .isExecutable();
    assertThat(ThinSliceIT.repoRoot().resolve("deploy/ui-check/node_modules/playwright-core"))
        .as("playwright-core for the console check (deploy/install-test-tools.sh installs it)")
        .isDirectory();
  }

  static String workflowsLink(String query) {
    return stack.temporalUiUrl()
        + "/namespaces/default/workflows?query="
        + URLEncoder.encode(query, StandardCharsets.UTF_8).replace("+", "%20");
  }

  static List<String> texts(JsonNode array) {
    List<String> out = new java.util.ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }

  // --- the real effects
  // ---------------------------------------------------------------------------

  static void setOnHand(String sku, String location, int onHand) {
    sql.update(INVENTORY_LEVELS)
        .set(INVENTORY_LEVELS.ON_HAND, (long) onHand)
        .where(INVENTORY_LEVELS.SKU.eq(sku).and(INVENTORY_LEVELS.LOCATION_ID.eq(location)))
        .execute();
  }

  static OffsetDateTime lastUpdated(String sku, String location) {
    return sql.select(INVENTORY_LEVELS.LAST_UPDATED)
        .from(INVENTORY_LEVELS)
        .where(INVENTORY_LEVELS.SKU.eq(sku).and(INVENTORY_LEVELS.LOCATION_ID.eq(location)))
        .fetchOne()
        .value1();
  }

  /** The pending letter the paused audit log parked for the row with {@code key}. */
  static DeadLettersRecord awaitParked(String key) {
    return await("a parked change of " + key)
        .atMost(Duration.ofSeconds(60))
        .until(
            () ->
                sql.selectFrom(DEAD_LETTERS)
                    .where(DEAD_LETTERS.SUBPROCESSOR.eq("audit-log"))
                    .and(DEAD_LETTERS.MESSAGE_KEY.eq(key))
                    .and(DEAD_LETTERS.ERROR_CLASS.eq("paused"))
                    .and(DEAD_LETTERS.STATUS.eq("pending"))
                    .fetchOne(),
            r -> r != null);
  }

  static String status(DeadLettersRecord letter) {
    return sql.select(DEAD_LETTERS.STATUS)
        .from(DEAD_LETTERS)
        .where(DEAD_LETTERS.ID.eq(letter.getId()))
        .fetchOne()
        .value1();
  }

  /** The on_hand values the audit log recorded for the rows of {@link #PARKED_SKU}. */
  static List<String> auditedOnHands() {
    return sql
        .fetchValues(
            "SELECT after_row->>'on_hand' FROM inventory_changes WHERE row_key LIKE ?",
            "[\"" + PARKED_SKU + "\",%")
        .stream()
        .map(String::valueOf)
        .toList();
  }

  static boolean pausedInDatabase(String subprocessor) {
    return sql.fetchExists(
        SUBPROCESSOR_STATE,
        SUBPROCESSOR_STATE.SUBPROCESSOR.eq(subprocessor).and(SUBPROCESSOR_STATE.PAUSED.isTrue()));
  }

  // --- the API ----------------------------------------------------------------------------------

  static final HttpClient HTTP = HttpClient.newHttpClient();

  static HttpResponse<String> get(String path, String key) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(stack.apiUrl() + path));
    if (key != null) b.header("X-API-Key", key);
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  static void post(String path) throws Exception {
    HTTP.send(
        HttpRequest.newBuilder(URI.create(stack.apiUrl() + path))
            .header("X-API-Key", OPS_KEY)
            .POST(HttpRequest.BodyPublishers.noBody())
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static boolean pausedInApi(String subprocessor) throws Exception {
    for (JsonNode s : JSON.readTree(get("/ops/status", OPS_KEY).body()).path("subprocessors"))
      if (s.path("name").asText().equals(subprocessor)) return s.path("paused").asBoolean();
    throw new AssertionError("no subprocessor " + subprocessor + " in /ops/status");
  }
}
