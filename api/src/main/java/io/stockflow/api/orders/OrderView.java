package io.stockflow.api.orders;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** An order and its lines, all fulfilled from {@code locationId}. */
@Introspected
public record OrderView(
    UUID id,
    String cartId,
    String locationId,
    String status,
    @Nullable String customerRef,
    Instant createdAt,
    List<Line> lines) {

  /** One order line and the reservation it came from. */
  @Introspected
  public record Line(long lineNo, String sku, long quantity, String reservationId) {}
}
