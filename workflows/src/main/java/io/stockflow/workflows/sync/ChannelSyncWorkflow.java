package io.stockflow.workflows.sync;

import io.stockflow.workflows.StockSnapshot;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Channel sync of one SKU, a {@link io.stockflow.workflows.stream.StreamWorkflowBase stream
 * workflow}: coalesces stock changes of any of the SKU's locations and pushes available-to-sell to
 * every active channel at most once per interval. Workflow ID {@code channel-sync/<sku>}.
 */
@WorkflowInterface
public interface ChannelSyncWorkflow {

  @WorkflowMethod
  void run(ChannelSyncInput input);

  /** A change of one of the SKU's rows; repeats (same location and HLC) are dropped. */
  @SignalMethod
  void stockChanged(StockSnapshot snapshot);
}
