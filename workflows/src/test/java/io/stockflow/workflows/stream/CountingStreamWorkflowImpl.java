package io.stockflow.workflows.stream;

import io.stockflow.workflows.ActivityPolicies;
import io.temporal.workflow.Workflow;
import java.util.List;

public class CountingStreamWorkflowImpl extends StreamWorkflowBase<String>
    implements CountingStreamWorkflow {
  private final Recorder recorder =
      Workflow.newActivityStub(Recorder.class, ActivityPolicies.DATABASE);
  private Input input;

  @Override
  public void run(Input input) {
    this.input = input;
    process(input.carry(), input.options());
  }

  @Override
  public void event(String id) {
    accept(id, id);
  }

  @Override
  protected void handleBatch(List<String> batch) {
    recorder.record(batch);
  }

  @Override
  protected Object nextRunInput(StreamCarry<String> carry) {
    return new Input(input.options(), carry);
  }
}
