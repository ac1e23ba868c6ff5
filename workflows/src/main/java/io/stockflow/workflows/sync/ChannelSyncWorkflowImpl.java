package io.stockflow.workflows.sync;

import io.stockflow.workflows.ActivityPolicies;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.stream.StreamCarry;
import io.stockflow.workflows.stream.StreamWorkflowBase;
import io.temporal.workflow.Async;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/**
 * Channel sync on the stream base. A batch is coalesced into one projection: the snapshots only say
 * "something changed", and the activity reads the SKU's current rows, so the result is consistent
 * across locations whatever order the changes came in.
 */
public class ChannelSyncWorkflowImpl extends StreamWorkflowBase<StockSnapshot>
    implements ChannelSyncWorkflow {
  private final ChannelSyncActivities db =
      Workflow.newActivityStub(ChannelSyncActivities.class, ActivityPolicies.DATABASE);
  private final ChannelSyncActivities webhooks =
      Workflow.newActivityStub(ChannelSyncActivities.class, ActivityPolicies.WEBHOOK);

  private ChannelSyncInput input;

  @Override
  public void run(ChannelSyncInput input) {
    this.input = input;
    process(input.carry(), input.options());
  }

  @Override
  public void stockChanged(StockSnapshot snapshot) {
    accept(snapshot.locationId() + "@" + snapshot.updated(), snapshot);
  }

  @Override
  protected void handleBatch(List<StockSnapshot> batch) {
    List<ChannelPush> pushes = db.project(input.sku(), input.lowStockThreshold());
    // Channels retry independently: one slow webhook does not hold back the others.
    List<Promise<Void>> sent = new ArrayList<>();
    for (ChannelPush push : pushes) sent.add(Async.procedure(webhooks::push, push));
    Promise.allOf(sent).get();
  }

  @Override
  protected Object nextRunInput(StreamCarry<StockSnapshot> carry) {
    return new ChannelSyncInput(input.sku(), input.lowStockThreshold(), input.options(), carry);
  }
}
