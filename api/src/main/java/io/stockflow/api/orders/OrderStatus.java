package io.stockflow.api.orders;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * An order's lifecycle: pending → confirmed → picked → packed → shipped → delivered; cancelled from
 * pending, confirmed, picked or packed. Shipped and delivered orders cannot be cancelled (that is a
 * return, not modelled here).
 */
public enum OrderStatus {
  PENDING,
  CONFIRMED,
  PICKED,
  PACKED,
  SHIPPED,
  DELIVERED,
  CANCELLED;

  /** The database and JSON spelling. */
  public String code() {
    return name().toLowerCase();
  }

  public static Optional<OrderStatus> of(String code) {
    return Arrays.stream(values()).filter(s -> s.code().equals(code)).findFirst();
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
}
