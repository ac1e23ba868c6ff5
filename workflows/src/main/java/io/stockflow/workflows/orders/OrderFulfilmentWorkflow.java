package io.stockflow.workflows.orders;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * The fulfilment SLA of one order: a durable timer to the ship-by deadline that ends early when the
 * order is shipped, delivered or cancelled; past the deadline, one {@code order_late} alert, then
 * it waits (bounded) for the order to ship or be cancelled. Workflow ID {@code
 * order-fulfilment/<order id>} (see {@link OrderFulfilmentClient#workflowId}); started and fed by
 * SignalWithStart from {@link OrderFulfilmentClient}.
 */
@WorkflowInterface
public interface OrderFulfilmentWorkflow {

  @WorkflowMethod
  OrderFulfilmentResult run(OrderFulfilmentInput input);

  /**
   * A status of the order. Applied only when its version is newer than the newest one seen, so
   * redelivered and out-of-order changes are ignored.
   */
  @SignalMethod
  void statusChanged(OrderStatusUpdate update);

  /** The newest status update applied; null before the first. */
  @QueryMethod
  OrderStatusUpdate latest();
}
