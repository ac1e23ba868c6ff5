package io.stockflow.api.reservations;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code stockflow.reservations.*}: how reservations behave. */
@ConfigurationProperties("stockflow.reservations")
public class ReservationsConfiguration {
  private Duration ttl = Duration.ofMinutes(15);

  /**
   * How long an unconfirmed reservation holds stock ({@code stockflow.reservations.ttl}, default
   * 15m). The reservation-expiry workflow releases it when this passes; confirm refuses it after.
   */
  public Duration getTtl() {
    return ttl;
  }

  public void setTtl(Duration ttl) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("stockflow.reservations.ttl must be positive");
    }
    this.ttl = ttl;
  }
}
