package io.stockflow.workflows.restock;

import io.stockflow.workflows.StockSnapshot;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One restock episode of one (sku, location): order once, wait for the receipt, escalate when late.
 * Workflow ID {@code restock/<sku>/<location>} (see {@link RestockClient#workflowId}), so at most
 * one episode per row is open at a time; started and fed by SignalWithStart from {@link
 * RestockClient}.
 */
@WorkflowInterface
public interface RestockWorkflow {

  @WorkflowMethod
  RestockResult run(RestockInput input);

  /**
   * A newer image of the row. During an open episode it never orders again; it only wakes the
   * workflow to check for the receipt.
   */
  @SignalMethod
  void stockChanged(StockSnapshot snapshot);
}
