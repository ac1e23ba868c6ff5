package io.stockflow.workflows.restock;

import io.stockflow.workflows.alerts.AlertPolicy;
import java.time.Duration;

/**
 * Restock configuration the client puts into each new episode's input.
 *
 * @param leadTime supplier lead time; the order is late (and escalated) after it
 * @param receiptCheckInterval how often an episode polls the database for its receipt
 * @param lateAlert how the {@code restock_late} alert repeats
 */
public record RestockSettings(
    Duration leadTime, Duration receiptCheckInterval, AlertPolicy lateAlert) {

  /** Three days lead time, hourly receipt check, the default alert policy. */
  public static final RestockSettings DEFAULT =
      new RestockSettings(Duration.ofDays(3), Duration.ofHours(1), AlertPolicy.DEFAULT);
}
