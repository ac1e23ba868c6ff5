package io.stockflow.subprocessors.reservations;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Row;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.workflows.reservations.ReservationChange;
import io.stockflow.workflows.reservations.ReservationExpiryClient;
import jakarta.inject.Singleton;

/**
 * On {@code reservations}: a new active reservation gets a durable expiry timer; a confirmed,
 * released or expired one ends its timer early. One workflow per reservation ({@code
 * reservation-expiry/<id>}).
 */
@Singleton
public class ReservationExpirySubprocessor implements Subprocessor {
  public static final String NAME = "reservation-expiry";
  private final ReservationExpiryClient expiry;

  public ReservationExpirySubprocessor(ReservationExpiryClient expiry) {
    this.expiry = expiry;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean shouldProcess(ChangeEvent e) {
    return e.after() != null && (e.changed("status") || e.changed("expires_at"));
  }

  @Override
  public void process(ChangeEvent e) {
    Row r = e.afterRow().orElseThrow();
    expiry.onReservationChanged(
        new ReservationChange(
            r.string("id"),
            r.string("sku"),
            r.string("location_id"),
            r.string("status"),
            r.instant("expires_at")
                .orElseThrow(() -> new IllegalArgumentException("expires_at is NULL"))));
  }

  @Override
  public String coalescingKey(ChangeEvent e) {
    return ReservationExpiryClient.workflowId(e.keyPart(0));
  }
}
