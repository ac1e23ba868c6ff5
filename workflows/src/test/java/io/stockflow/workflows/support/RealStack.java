package io.stockflow.workflows.support;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;

import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import io.stockflow.db.jooq.tables.records.InventoryLevelsRecord;
import io.stockflow.stock.AvailabilitySettings;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.worker.StockflowWorker;
import io.stockflow.workflows.worker.WorkerSettings;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.client.WorkflowClient;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.time.Duration;
import javax.sql.DataSource;
import org.jooq.DSLContext;

/**
 * The real thing for integration tests: a migrated PostgreSQL database and a Temporal dev server
 * (both owned by the test class, usually through test-support's extensions), a client, and a
 * stockflow worker running in the test JVM. The worker can be stopped and started again; {@link
 * #close()} stops the worker and the client.
 */
public final class RealStack implements AutoCloseable {
  public static final String NAMESPACE = "default";

  private final WorkerSettings settings;
  public final DSLContext sql;
  public final Transactions transactions;
  private final WorkflowServiceStubs service;
  private final WorkflowClient client;
  private StockflowWorker worker;

  /**
   * A client of the dev server at {@code temporalTarget} and a worker on {@code settings}'s task
   * queue that writes to {@code database}.
   */
  public RealStack(DataSource database, String temporalTarget, WorkerSettings settings) {
    this.settings = settings;
    sql = Database.dsl(database);
    transactions = new Transactions(sql);
    service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporalTarget).build());
    try {
      client = WorkflowClient.newInstance(service);
      startWorker();
    } catch (RuntimeException | Error e) {
      service.shutdownNow();
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
    return describe(workflowId).getWorkflowExecutionInfo().getStatus();
  }

  /** Activities the workflow's current run has scheduled or running (0 while it only waits). */
  public int pendingActivities(String workflowId) {
    return describe(workflowId).getPendingActivitiesCount();
  }

  private DescribeWorkflowExecutionResponse describe(String workflowId) {
    return service
        .blockingStub()
        .describeWorkflowExecution(
            DescribeWorkflowExecutionRequest.newBuilder()
                .setNamespace(NAMESPACE)
                .setExecution(WorkflowExecution.newBuilder().setWorkflowId(workflowId))
                .build());
  }

  /** Settings for tests: the class's queue, a small concurrency and a short webhook timeout. */
  public static WorkerSettings testSettings(String taskQueue, String alertWebhookUrl) {
    return new WorkerSettings(taskQueue, 4, 4, alertWebhookUrl, Duration.ofSeconds(5));
  }

  @Override
  public void close() {
    if (worker != null) worker.close();
    service.shutdownNow();
  }
}
