package io.stockflow.stock;

import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An order's lifecycle ({@code orders.status}): pending → confirmed → picked → packed → shipped →
 * delivered; cancelled from pending, confirmed, picked or packed. Shipped and delivered orders
 * cannot be cancelled (that is a return, not modelled here).
 *
 * <p>Workflow payloads carry the status as text, so that a status added to the table later reads as
 * "still in progress" instead of breaking decoding: the static predicates take that text.
 */
public enum OrderStatus implements DbCode {
  PENDING,
  CONFIRMED,
  PICKED,
  PACKED,
  SHIPPED,
  DELIVERED,
  CANCELLED;

  /** The status stored as {@code code}; empty for an unknown one. */
  public static Optional<OrderStatus> of(String code) {
    return DbCode.fromCode(OrderStatus.class, code);
  }

  /** The statuses this one may move to. */
  public Set<OrderStatus> next() {
    return switch (this) {
      case PENDING -> EnumSet.of(CONFIRMED, CANCELLED);
      case CONFIRMED -> EnumSet.of(PICKED, CANCELLED);
      case PICKED -> EnumSet.of(PACKED, CANCELLED);
      case PACKED -> EnumSet.of(SHIPPED, CANCELLED);
      case SHIPPED -> EnumSet.of(DELIVERED);
      case DELIVERED, CANCELLED -> EnumSet.noneOf(OrderStatus.class);
    };
  }

  public boolean canMoveTo(OrderStatus to) {
    return next().contains(to);
  }

  /** The codes of {@link #next()}, for error messages. */
  public List<String> nextCodes() {
    return next().stream().map(OrderStatus::code).toList();
  }

  /** Shipped, delivered or cancelled: nothing is left for the warehouse to do. */
  public static boolean isTerminal(String code) {
    return SHIPPED.is(code) || DELIVERED.is(code) || CANCELLED.is(code);
  }

  /** Shipped or delivered: the SLA was met (if before the deadline). */
  public static boolean isShipped(String code) {
    return SHIPPED.is(code) || DELIVERED.is(code);
  }

  /**
   * Confirmed or a later non-terminal status (picked, packed, or one added later): the order is the
   * warehouse's to ship, so its SLA clock runs. Pending orders are not yet committed.
   */
  public static boolean isInFulfilment(String code) {
    return code != null && !PENDING.is(code) && !isTerminal(code);
  }
}
