package io.stockflow.workflows.sync;

import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.stockflow.workflows.stream.StreamCarry;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;

/**
 * What the channel-sync subprocessor calls on a change that affects availability: SignalWithStart
 * on {@code channel-sync/<sku>}. Idempotent: the workflow drops repeated (location, HLC) events and
 * its effects set levels. Thread-safe.
 */
public final class ChannelSyncClient {
  /** Value of the {@code Kind} search attribute. */
  public static final String KIND = "channel_sync";

  private final WorkflowClient client;
  private final String taskQueue;
  private final ChannelSyncSettings settings;

  public ChannelSyncClient(WorkflowClient client, String taskQueue) {
    this(client, taskQueue, ChannelSyncSettings.DEFAULT);
  }

  public ChannelSyncClient(WorkflowClient client, String taskQueue, ChannelSyncSettings settings) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.settings = settings;
  }

  /** {@code channel-sync/<sku>}. */
  public static String workflowId(String sku) {
    return "channel-sync/" + sku;
  }

  public void onStockChanged(StockSnapshot s) {
    ChannelSyncWorkflow wf =
        client.newWorkflowStub(
            ChannelSyncWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId(s.sku()))
                .setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setTypedSearchAttributes(StockflowSearchAttributes.of(KIND, s.sku(), null))
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(
        wf::run,
        new ChannelSyncInput(
            s.sku(), settings.lowStockThreshold(), settings.streamOptions(), StreamCarry.empty()));
    request.add(wf::stockChanged, s);
    client.signalWithStart(request);
  }
}
