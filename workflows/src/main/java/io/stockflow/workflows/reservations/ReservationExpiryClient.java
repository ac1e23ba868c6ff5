package io.stockflow.workflows.reservations;

import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;

/**
 * What the reservations subprocessor calls on every {@code reservations} change. An active
 * reservation gets (or moves) its timer by SignalWithStart on {@code reservation-expiry/<id>}; any
 * other status ends a running timer. Idempotent: one workflow per reservation, and a completed one
 * is never started again (ID reuse only after failure or termination, so a replayed change cannot
 * re-run a finished timer, while a terminated one can be re-driven). Thread-safe.
 */
public final class ReservationExpiryClient {
  /** Value of the {@code Kind} search attribute. */
  public static final String KIND = "reservation_expiry";

  private final WorkflowClient client;
  private final String taskQueue;

  public ReservationExpiryClient(WorkflowClient client, String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
  }

  /** {@code reservation-expiry/<reservation id>}. */
  public static String workflowId(String reservationId) {
    return "reservation-expiry/" + reservationId;
  }

  public void onReservationChanged(ReservationChange r) {
    String id = workflowId(r.id());
    if (!r.active()) {
      try {
        client.newWorkflowStub(ReservationExpiryWorkflow.class, id).reservationChanged(r);
      } catch (WorkflowNotFoundException noTimer) {
        // already ended, or never started: nothing to stop
      }
      return;
    }
    ReservationExpiryWorkflow wf =
        client.newWorkflowStub(
            ReservationExpiryWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
                .setTypedSearchAttributes(
                    StockflowSearchAttributes.of(KIND, r.sku(), r.locationId()))
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(wf::run, r);
    request.add(wf::reservationChanged, r);
    try {
      client.signalWithStart(request);
    } catch (WorkflowExecutionAlreadyStarted completed) {
      // The timer of this reservation already finished; a replayed change must not restart it.
    }
  }
}
