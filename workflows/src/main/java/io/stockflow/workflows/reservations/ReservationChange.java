package io.stockflow.workflows.reservations;

import io.stockflow.stock.ReservationStatus;
import java.time.Instant;

/**
 * A {@code reservations} row image as the expiry workflow needs it.
 *
 * @param status a {@link ReservationStatus} code
 */
public record ReservationChange(
    String id, String sku, String locationId, String status, Instant expiresAt) {

  public boolean active() {
    return ReservationStatus.ACTIVE.is(status);
  }
}
