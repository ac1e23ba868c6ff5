package io.stockflow.workflows.support;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;

import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import io.stockflow.db.jooq.tables.records.InventoryLevelsRecord;
import io.stockflow.embedded.EmbeddedPostgresServer;
import io.stockflow.embedded.Ports;
import io.stockflow.embedded.TemporalDevServer;
import io.stockflow.stock.AvailabilitySettings;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.stockflow.workflows.worker.StockflowWorker;
import io.stockflow.workflows.worker.WorkerSettings;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.time.Duration;
import org.jooq.DSLContext;

/**
 * The real thing for integration tests: embedded PostgreSQL (migrated) and the Temporal dev server
 * (SQLite on disk, restartable), a client, and a stockflow worker running in the test JVM. Every
 * part can be restarted; {@link #close()} stops all of them.
 */
public final class RealStack implements AutoCloseable {
  public static final String NAMESPACE = "default";

  private final Path dir;
  private final int temporalPort = Ports.free();
  private final int uiPort = Ports.free();
  private final WorkerSettings settings;
  public final EmbeddedPostgresServer postgres;
  public final DSLContext sql;
  public final Transactions transactions;
  private TemporalDevServer temporal;
  private WorkflowServiceStubs service;
  private WorkflowClient client;
  private StockflowWorker worker;

  public RealStack(Path dir, WorkerSettings settings) {
    this.dir = dir;
    this.settings = settings;
    postgres = EmbeddedPostgresServer.start(dir.resolve("pg"), Ports.free());
    try {
      Database.migrate(postgres.dataSource());
      sql = Database.dsl(postgres.dataSource());
      transactions = new Transactions(sql);
      startTemporal();
      service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      client = WorkflowClient.newInstance(service);
      startWorker();
    } catch (RuntimeException | Error e) {
      close(); // a stack that failed to start leaves no server behind
      throw e;
    }
  }

  public WorkflowClient client() {
    return client;
  }

  public WorkflowServiceStubs service() {
    return service;
  }

  public String taskQueue() {
    return settings.taskQueue();
  }

  public void startWorker() {
    worker = new StockflowWorker(client, transactions, settings, new AvailabilitySettings(5));
    worker.start();
  }

  public void stopWorker() {
    worker.close();
    worker = null;
  }

  /** Starts the dev server on the same ports and data file (workflows survive). */
  public void startTemporal() {
    temporal =
        TemporalDevServer.start(
            dir.resolve("temporal"),
            temporalPort,
            uiPort,
            StockflowSearchAttributes.DEV_SERVER_FLAGS);
  }

  public void stopTemporal() {
    temporal.close();
    temporal = null;
  }

  /** The row as the platform would hand it to a client after reading it from the changefeed. */
  public StockSnapshot snapshot(String sku, String locationId) {
    InventoryLevelsRecord r =
        sql.selectFrom(INVENTORY_LEVELS)
            .where(INVENTORY_LEVELS.SKU.eq(sku))
            .and(INVENTORY_LEVELS.LOCATION_ID.eq(locationId))
            .fetchOne();
    return new StockSnapshot(
        r.getSku(),
        r.getLocationId(),
        r.getOnHand(),
        r.getAllocated(),
        r.getReserved(),
        r.getDamaged(),
        r.getInTransitIn(),
        r.getReorderPoint(),
        r.getSafetyStock(),
        r.getMaxStock(),
        r.getSellable(),
        r.getReceivingBlocked(),
        r.getLastCountedAt() == null ? null : r.getLastCountedAt().toInstant(),
        r.getLastUpdated().toInstant().toEpochMilli() * 1_000_000 + ".0000000000");
  }

  /** Seeds one location, one SKU and its inventory row. */
  public void seedRow(
      String sku, String locationId, long onHand, long reorderPoint, long safety, long maxStock) {
    sql.execute(
        "INSERT INTO locations (id, name, kind, region) VALUES (?, ?, 'fulfilment_centre', 'us-west')"
            + " ON CONFLICT DO NOTHING",
        locationId,
        locationId);
    sql.execute("INSERT INTO skus (sku, name) VALUES (?, ?) ON CONFLICT DO NOTHING", sku, sku);
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand, reorder_point, safety_stock,"
            + " max_stock) VALUES (?, ?, ?, ?, ?, ?)",
        sku,
        locationId,
        onHand,
        reorderPoint,
        safety,
        maxStock);
  }

  public WorkflowExecutionStatus status(String workflowId) {
    return service
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(NAMESPACE)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build())
        .getWorkflowExecutionInfo()
        .getStatus();
  }

  /** Settings for tests: the default queue with a small concurrency and a short webhook timeout. */
  public static WorkerSettings testSettings(String alertWebhookUrl) {
    return new WorkerSettings("stockflow-it", 4, 4, alertWebhookUrl, Duration.ofSeconds(5));
  }

  @Override
  public void close() {
    if (worker != null) worker.close();
    if (service != null) service.shutdownNow();
    if (temporal != null) temporal.close();
    postgres.close();
  }
}
