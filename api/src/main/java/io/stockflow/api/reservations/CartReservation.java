package io.stockflow.api.reservations;

import io.micronaut.core.annotation.Introspected;
import java.time.Instant;
import java.util.List;

/**
 * A cart's reservations: all lines are held at one location.
 *
 * @param status the common status of the lines (active, confirmed, released, expired), or {@code
 *     mixed} if they differ (only after a partial expiry)
 */
@Introspected
public record CartReservation(
    String cartId, String locationId, String status, Instant expiresAt, List<Line> lines) {

  /** One line's reservation. */
  @Introspected
  public record Line(String reservationId, int lineNo, String sku, long quantity, String status) {}
}
