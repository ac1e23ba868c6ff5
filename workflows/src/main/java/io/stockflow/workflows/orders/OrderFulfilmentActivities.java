package io.stockflow.workflows.orders;

import io.temporal.activity.ActivityInterface;

/** What the fulfilment SLA asks the database. Read-only, so retries are harmless. */
@ActivityInterface
public interface OrderFulfilmentActivities {

  /**
   * The order's current {@code status}, read at a deadline before acting on it (the changefeed may
   * lag behind the database: an order that shipped a minute ago must not be reported late).
   *
   * @return null when the order does not exist (deleted, or an id that is not a UUID)
   */
  String currentStatus(String orderId);
}
