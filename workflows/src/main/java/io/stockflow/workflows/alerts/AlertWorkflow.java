package io.stockflow.workflows.alerts;

import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One alert episode: write the alert row once, notify (webhook + {@code alerts.notify_count}),
 * re-notify every interval and escalate until acknowledged or resolved. Workflow ID {@code
 * alert/<kind>/<sku>/<location>} (see {@link AlertClient#workflowId}): one open alert per kind and
 * row.
 */
@WorkflowInterface
public interface AlertWorkflow {

  @WorkflowMethod
  AlertResult run(AlertInput input);

  /** Someone took the alert; stops re-notification. Repeats are ignored. */
  @SignalMethod
  void acknowledge(String by);

  /** The condition cleared (e.g. stock recovered); closes the alert as resolved. */
  @SignalMethod
  void resolve();
}
