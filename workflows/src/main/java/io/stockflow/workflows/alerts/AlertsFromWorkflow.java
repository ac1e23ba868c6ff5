package io.stockflow.workflows.alerts;

import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.failure.ChildWorkflowFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;

/**
 * Raising and resolving alerts from inside another workflow (e.g. restock escalation). Call only
 * from workflow code: it uses child workflows and external signals, which are deterministic.
 */
public final class AlertsFromWorkflow {
  private AlertsFromWorkflow() {}

  /**
   * Starts the alert episode as an abandoned child (it outlives its parent, which must not wait for
   * an acknowledgement).
   *
   * @return false when the alert workflow of that kind and row (for {@link AlertKind#perEpisode}
   *     kinds: that episode) is already running
   */
  public static boolean start(AlertInput input) {
    AlertWorkflow alert =
        Workflow.newChildWorkflowStub(
            AlertWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(AlertClient.workflowId(input))
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setTypedSearchAttributes(
                    StockflowSearchAttributes.of(AlertClient.KIND, input.sku(), input.locationId()))
                .build());
    Async.function(alert::run, input);
    Promise<WorkflowExecution> started = Workflow.getWorkflowExecution(alert);
    try {
      started.get();
      return true;
    } catch (ChildWorkflowFailure alreadyRunning) {
      return false;
    }
  }

  /** Signals {@link AlertWorkflow#resolve} to the open alert, if there is one. */
  public static void resolve(AlertKind kind, String sku, String locationId) {
    resolve(kind, sku, locationId, null);
  }

  /**
   * Signals {@link AlertWorkflow#resolve} to the open alert of that episode, if there is one; the
   * episode matters only for {@link AlertKind#perEpisode} kinds.
   */
  public static void resolve(AlertKind kind, String sku, String locationId, String episode) {
    try {
      Workflow.newExternalWorkflowStub(
              AlertWorkflow.class, AlertClient.workflowId(kind, sku, locationId, episode))
          .resolve();
    } catch (RuntimeException alreadyClosed) {
      // An alert closed by acknowledgement needs no resolving.
    }
  }
}
