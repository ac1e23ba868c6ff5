package io.stockflow.workflows.orders;

import java.time.Instant;

/**
 * How an order's fulfilment SLA ended.
 *
 * @param finalStatus the order's status when the workflow completed; for outcome LATE a terminal
 *     status (shipped late, delivered, cancelled) or a non-terminal one when the workflow gave up
 *     watching; null when the order row no longer exists
 * @param shipBy the ship-by deadline
 */
public record OrderFulfilmentResult(Outcome outcome, String finalStatus, Instant shipBy) {

  /** The end of an order's SLA. */
  public enum Outcome {
    /** Shipped (or delivered) before the ship-by deadline. */
    SHIPPED,
    /** Cancelled before the ship-by deadline. */
    CANCELLED,
    /**
     * Not shipped by the deadline: one {@code order_late} alert was raised. The workflow then
     * waited for shipped/cancelled until the give-up deadline; {@code finalStatus} says how it
     * ended.
     */
    LATE,
    /** The order row was deleted before the deadline. */
    GONE
  }
}
