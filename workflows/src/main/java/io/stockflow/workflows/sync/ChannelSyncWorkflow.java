package io.stockflow.workflows.sync;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/**
 * Channel sync of one bucket of SKUs (workflow ID {@code channel-sync/bucket-<n>}): collects the
 * SKUs that changed, projects them all in one activity at most once per interval, and pushes the
 * results to every channel's webhook, at most one push in flight per channel. See {@link
 * ChannelSyncWorkflowImpl}.
 */
@WorkflowInterface
public interface ChannelSyncWorkflow {

  @WorkflowMethod
  void run(ChannelSyncInput input);

  /**
   * Something that may change these SKUs' availability was committed. Only names: the values are
   * read when projecting, so repeats and out-of-order signals are harmless.
   */
  @SignalMethod
  void skusChanged(List<String> skus);
}
