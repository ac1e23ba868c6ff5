package io.stockflow.workflows.reservations;

import java.time.Instant;

/**
 * A {@code reservations} row image as the expiry workflow needs it.
 *
 * @param status {@code active}, {@code confirmed}, {@code released} or {@code expired}
 */
public record ReservationChange(
    String id, String sku, String locationId, String status, Instant expiresAt) {

  public boolean active() {
    return "active".equals(status);
  }
}
