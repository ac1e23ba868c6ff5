package io.stockflow.workflows.orders;

import io.stockflow.stock.OrderStatus;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;

/**
 * What the order-fulfilment subprocessor calls on an {@code orders} status change. An order in
 * fulfilment (confirmed, picked, packed — whichever is seen first) gets its SLA workflow by
 * SignalWithStart on {@code order-fulfilment/<order id>}; a terminal status (shipped, delivered,
 * cancelled) or pending only signals a running one, so orders cancelled while pending and replays
 * of long-finished orders start nothing.
 *
 * <p>Idempotent under at-least-once delivery: one workflow per order; a duplicate or older change
 * is a stale signal the workflow ignores; a completed workflow is never started again (ID reuse
 * only after failure or termination, so replaying the order's row cannot raise a second SLA, while
 * a terminated one can be re-driven). Thread-safe.
 */
public final class OrderFulfilmentClient {
  /** Value of the {@code Kind} search attribute. */
  public static final String KIND = "order_fulfilment";

  private final WorkflowClient client;
  private final String taskQueue;
  private final OrderFulfilmentSettings settings;

  public OrderFulfilmentClient(
      WorkflowClient client, String taskQueue, OrderFulfilmentSettings settings) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.settings = settings;
  }

  /** {@code order-fulfilment/<order id>}. */
  public static String workflowId(String orderId) {
    return "order-fulfilment/" + orderId;
  }

  /** What {@link #onOrderChanged} did. */
  public enum Action {
    /** SignalWithStart: the workflow was started, or was running and got the signal. */
    SIGNALLED_WITH_START,
    /** A running workflow got the signal. */
    SIGNALLED,
    /** Nothing: no workflow running, and this status starts none (or it already completed). */
    NOTHING
  }

  public Action onOrderChanged(OrderStatusUpdate update) {
    String id = workflowId(update.orderId());
    if (!OrderStatus.isInFulfilment(update.status())) {
      try {
        client.newWorkflowStub(OrderFulfilmentWorkflow.class, id).statusChanged(update);
        return Action.SIGNALLED;
      } catch (WorkflowNotFoundException none) {
        // Never in fulfilment (cancelled while pending), or its SLA already completed.
        return Action.NOTHING;
      }
    }
    OrderFulfilmentWorkflow wf =
        client.newWorkflowStub(
            OrderFulfilmentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE_FAILED_ONLY)
                .setTypedSearchAttributes(
                    StockflowSearchAttributes.of(KIND, null, update.locationId()))
                .build());
    BatchRequest request = client.newSignalWithStartRequest();
    request.add(
        wf::run,
        new OrderFulfilmentInput(
            update.orderId(),
            update.locationId(),
            update.changedAt(),
            settings.shipBy(),
            settings.giveUpAfter(),
            settings.lateAlert(),
            update,
            false));
    request.add(wf::statusChanged, update);
    try {
      client.signalWithStart(request);
      return Action.SIGNALLED_WITH_START;
    } catch (WorkflowExecutionAlreadyStarted completed) {
      // This order's SLA already completed; a replayed change must not start it again.
      return Action.NOTHING;
    }
  }

  /** A stub of the order's workflow, e.g. for its result or the {@code latest} query. */
  public WorkflowStub workflow(String orderId) {
    return client.newUntypedWorkflowStub(workflowId(orderId));
  }
}
