package io.stockflow.e2e;

import static io.stockflow.db.jooq.Tables.PURCHASE_ORDERS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stockflow.db.Database;
import io.stockflow.dev.DevStack;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.ListWorkflowExecutionsRequest;
import io.temporal.client.WorkflowClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The thin slice, end to end on the real embedded servers: an UPDATE typed as an associate would
 * type it in psql travels PostgreSQL → changefeed bridge → Kafka → consumer → restock subprocessor
 * → Temporal, and a restock workflow with a readable ID appears and orders stock exactly once. On
 * the shared stack, each test writes to a SKU of its own, stocked as the demo SKUs are seeded.
 */
@ResourceLock(SharedDevStack.LOCK)
class ThinSliceIT {
  static final String TERIYAKI = "THINSLICE-TERIYAKI-3OZ";
  static final String PEPPERED = "THINSLICE-PEPPERED-3OZ";

  @RegisterExtension static final SharedDevStack shared = new SharedDevStack();

  static DevStack stack;

  @BeforeAll
  static void ownSkus() {
    stack = shared.get();
    shared.addSku(TERIYAKI);
    shared.addSku(PEPPERED);
  }

  @Test
  void sqlUpdateBelowReorderPointStartsOneRestockWorkflowVisibleBySku() throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl());
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE inventory_levels SET on_hand = 12 WHERE sku = '"
              + TERIYAKI
              + "' AND location_id = 'SEA1'");
    }
    WorkflowClient client = stack.platform().getBean(WorkflowClient.class);

    List<WorkflowExecutionInfo> restocks =
        await("restock workflow for " + TERIYAKI + " at SEA1")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(() -> listBySku(client, TERIYAKI), l -> !l.isEmpty());
    assertThat(restocks)
        .singleElement()
        .satisfies(
            w -> {
              assertThat(w.getExecution().getWorkflowId())
                  .startsWith("restock/" + TERIYAKI + "/SEA1");
              // It watches its purchase order until the goods arrive; nothing receives them here.
              assertThat(w.getStatus())
                  .isEqualTo(WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING);
            });

    DSLContext sql = Database.dsl(dataSource(stack.jdbcUrl()));
    await("one purchase order")
        .atMost(Duration.ofSeconds(60))
        .until(() -> sql.fetchCount(PURCHASE_ORDERS, PURCHASE_ORDERS.SKU.eq(TERIYAKI)) == 1);
    // max_stock 150 − on_hand 12 − in_transit_in 0
    assertThat(
            sql.select(PURCHASE_ORDERS.QUANTITY)
                .from(PURCHASE_ORDERS)
                .where(PURCHASE_ORDERS.SKU.eq(TERIYAKI))
                .fetchOne()
                .value1())
        .isEqualTo(138L);
  }

  /**
   * Ops find the workflow in the Temporal Web UI by SKU: Debian's headless Chromium, driven by
   * playwright-core, opens the list filtered by the Sku search attribute and must see the restock
   * workflow (screenshot in target/).
   */
  @Test
  void temporalWebUiListsTheRestockWorkflowFilteredBySku() throws Exception {
    Path chromium = Path.of(System.getenv().getOrDefault("CHROMIUM", "/usr/bin/chromium"));
    Path script = repoRoot().resolve("deploy/ui-check/screenshot.mjs");
    // A missing browser fails the check instead of skipping it: `./stockflow test` installs both
    // (deploy/install-test-tools.sh), so a skip would only hide a run that checked less than CI.
    assertThat(chromium)
        .as(
            "Chromium for the Web UI check (deploy/install-test-tools.sh installs it, or set"
                + " CHROMIUM)")
        .isExecutable();
    assertThat(repoRoot().resolve("deploy/ui-check/node_modules/playwright-core"))
        .as("playwright-core for the Web UI check (deploy/install-test-tools.sh installs it)")
        .isDirectory();
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl());
        Statement s = c.createStatement()) {
      s.executeUpdate(
          "UPDATE inventory_levels SET on_hand = 3 WHERE sku = '"
              + PEPPERED
              + "' AND location_id = 'SEA1'");
    }
    Path png = Path.of("target/temporal-ui-restock.png").toAbsolutePath();
    Process node =
        new ProcessBuilder(
                "node", script.toString(), stack.temporalUiUrl(), PEPPERED, png.toString())
            .redirectErrorStream(true)
            .start();
    String out =
        new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(node.waitFor()).as(out).isZero();
    assertThat(out).contains("restock/" + PEPPERED + "/SEA1");
    assertThat(Files.size(png)).isGreaterThan(10_000);
  }

  static Path repoRoot() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("deploy/ui-check"))) p = p.getParent();
    if (p == null) throw new IllegalStateException("run from inside the repository");
    return p;
  }

  static List<WorkflowExecutionInfo> listBySku(WorkflowClient client, String sku) {
    return list(client, "Sku = '" + sku + "' AND Kind = 'restock'");
  }

  /** Workflows matching a visibility query (eventually consistent: poll for what you expect). */
  static List<WorkflowExecutionInfo> list(WorkflowClient client, String query) {
    return client
        .getWorkflowServiceStubs()
        .blockingStub()
        .listWorkflowExecutions(
            ListWorkflowExecutionsRequest.newBuilder()
                .setNamespace(client.getOptions().getNamespace())
                .setQuery(query)
                .build())
        .getExecutionsList();
  }

  static PGSimpleDataSource dataSource(String url) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    return ds;
  }
}
