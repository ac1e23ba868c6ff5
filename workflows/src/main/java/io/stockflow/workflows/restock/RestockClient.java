package io.stockflow.workflows.restock;

import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;

/**
 * What a subprocessor calls on every {@code inventory_levels} change: starts or feeds the row's
 * restock episode. Idempotent and safe under at-least-once delivery: the workflow ID is derived
 * from the row key only ({@code restock/<sku>/<location>}), so a duplicate or a second trigger
 * during an open episode is just another signal; a replay after the episode completed starts a new
 * run that re-reads the row and orders only if stock is low <em>now</em>; a failed or terminated
 * episode can be re-driven (ID reuse allowed) and adopts the open purchase order. Thread-safe.
 */
public final class RestockClient {
  /** Value of the {@code Kind} search attribute. */
  public static final String KIND = "restock";

  private final WorkflowClient client;
  private final String taskQueue;
  private final RestockSettings settings;

  public RestockClient(WorkflowClient client, String taskQueue) {
    this(client, taskQueue, RestockSettings.DEFAULT);
  }

  public RestockClient(WorkflowClient client, String taskQueue, RestockSettings settings) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.settings = settings;
  }

  /** {@code restock/<sku>/<location>}, e.g. {@code restock/JERKY-TERIYAKI-3OZ/SEA1}. */
  public static String workflowId(String sku, String locationId) {
    return KIND + "/" + sku + "/" + locationId;
  }

  /**
   * When the row needs stock ({@link StockSnapshot#needsRestock}): SignalWithStart. Otherwise only
   * signals an episode that is already open (it may be waiting for this receipt) and does nothing
   * when there is none.
   */
  public void onStockChanged(StockSnapshot s) {
    String id = workflowId(s.sku(), s.locationId());
    if (s.needsRestock()) {
      RestockWorkflow wf =
          client.newWorkflowStub(
              RestockWorkflow.class,
              WorkflowOptions.newBuilder()
                  .setWorkflowId(id)
                  .setTaskQueue(taskQueue)
                  .setWorkflowIdReusePolicy(
                      WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                  .setTypedSearchAttributes(
                      StockflowSearchAttributes.of(KIND, s.sku(), s.locationId()))
                  .build());
      BatchRequest request = client.newSignalWithStartRequest();
      request.add(
          wf::run,
          new RestockInput(
              s.sku(),
              s.locationId(),
              settings.leadTime(),
              settings.receiptCheckInterval(),
              settings.lateAlert()));
      request.add(wf::stockChanged, s);
      client.signalWithStart(request);
    } else {
      try {
        client.newUntypedWorkflowStub(id).signal("stockChanged", s);
      } catch (WorkflowNotFoundException noOpenEpisode) {
        // Nothing to wake: the usual case for a row that is not low.
      }
    }
  }

  /** A stub of the row's current episode, e.g. for queries or tests. */
  public WorkflowStub episode(String sku, String locationId) {
    return client.newUntypedWorkflowStub(workflowId(sku, locationId));
  }
}
