package io.stockflow.workflows.orders;

import java.util.Set;

/**
 * The {@code orders.status} values as the fulfilment SLA sees them: pending → confirmed → picked →
 * packed → shipped → delivered, or cancelled. Statuses are kept as text in payloads so that a
 * status added to the table later reads as "still in progress" instead of breaking decoding.
 */
public final class OrderStatuses {
  private OrderStatuses() {}

  public static final String PENDING = "pending";
  public static final String CONFIRMED = "confirmed";
  public static final String PICKED = "picked";
  public static final String PACKED = "packed";
  public static final String SHIPPED = "shipped";
  public static final String DELIVERED = "delivered";
  public static final String CANCELLED = "cancelled";

  private static final Set<String> TERMINAL = Set.of(SHIPPED, DELIVERED, CANCELLED);

  /** Shipped, delivered or cancelled: nothing is left for the warehouse to do. */
  public static boolean isTerminal(String status) {
    return TERMINAL.contains(status);
  }

  /** Shipped or delivered: the SLA was met (if before the deadline). */
  public static boolean isShipped(String status) {
    return SHIPPED.equals(status) || DELIVERED.equals(status);
  }

  /**
   * Confirmed or a later non-terminal status (picked, packed, or one added later): the order is the
   * warehouse's to ship, so its SLA clock runs. Pending orders are not yet committed.
   */
  public static boolean isInFulfilment(String status) {
    return status != null && !PENDING.equals(status) && !isTerminal(status);
  }
}
