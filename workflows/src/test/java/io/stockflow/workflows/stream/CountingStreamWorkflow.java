package io.stockflow.workflows.stream;

import io.temporal.activity.ActivityInterface;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;
import java.util.List;

/** The smallest stream workflow: records every batch through an activity. */
@WorkflowInterface
public interface CountingStreamWorkflow {

  /** Input of one run. */
  record Input(StreamOptions options, StreamCarry<String> carry) {}

  @WorkflowMethod
  void run(Input input);

  @SignalMethod
  void event(String id);

  /** Where the batches go. */
  @ActivityInterface
  interface Recorder {
    void record(List<String> batch);
  }
}
