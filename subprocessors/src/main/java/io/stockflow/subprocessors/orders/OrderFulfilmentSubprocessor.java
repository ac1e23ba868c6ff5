package io.stockflow.subprocessors.orders;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Row;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.stock.OrderStatus;
import io.stockflow.workflows.orders.OrderFulfilmentClient;
import io.stockflow.workflows.orders.OrderStatusUpdate;
import jakarta.inject.Singleton;

/**
 * On {@code orders}: the fulfilment SLA. A status change (or a replay) to anything but pending is
 * passed to the order's workflow ({@code order-fulfilment/<order id>}): confirmed, picked or packed
 * start it if needed (SignalWithStart), shipped, delivered and cancelled end it. The change's HLC
 * orders the updates inside the workflow (stale ones are ignored) and its commit time starts the
 * SLA clock.
 */
@Singleton
public class OrderFulfilmentSubprocessor implements Subprocessor {
  public static final String NAME = "order-fulfilment";
  private final OrderFulfilmentClient orders;

  public OrderFulfilmentSubprocessor(OrderFulfilmentClient orders) {
    this.orders = orders;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean shouldProcess(ChangeEvent e) {
    if (e.after() == null || !e.changed("status")) return false;
    JsonNode status = e.after().get("status");
    return status != null && status.isTextual() && !OrderStatus.PENDING.is(status.asText());
  }

  @Override
  public void process(ChangeEvent e) {
    Row r = e.afterRow().orElseThrow();
    orders.onOrderChanged(
        new OrderStatusUpdate(
            r.string("id"),
            r.string("location_id"),
            r.string("status"),
            e.updated().toString(),
            e.updated().toInstant()));
  }

  /** One workflow per order: of several changes of an order in one batch, the newest suffices. */
  @Override
  public String coalescingKey(ChangeEvent e) {
    return OrderFulfilmentClient.workflowId(e.keyPart(0));
  }
}
