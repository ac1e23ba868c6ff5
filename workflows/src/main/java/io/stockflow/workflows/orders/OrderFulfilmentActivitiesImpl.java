package io.stockflow.workflows.orders;

import static io.stockflow.db.jooq.Tables.ORDERS;

import io.stockflow.db.Transactions;
import java.util.UUID;

/** Reads orders from the database. Thread-safe. */
public final class OrderFulfilmentActivitiesImpl implements OrderFulfilmentActivities {
  private final Transactions transactions;

  public OrderFulfilmentActivitiesImpl(Transactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public String currentStatus(String orderId) {
    UUID id;
    try {
      id = UUID.fromString(orderId);
    } catch (IllegalArgumentException notAUuid) {
      return null; // no such order can exist; retrying would not change that
    }
    return transactions.run(
        tx ->
            tx.select(ORDERS.STATUS).from(ORDERS).where(ORDERS.ID.eq(id)).fetchOne(ORDERS.STATUS));
  }
}
