package io.stockflow.workflows.orders;

import io.stockflow.workflows.alerts.AlertPolicy;
import java.time.Duration;
import java.util.Objects;

/**
 * Order fulfilment SLA configuration that {@link OrderFulfilmentClient} puts into each new
 * workflow's input. Both deadlines count from the confirmation. The platform builds it from {@code
 * stockflow.orders.*}, where the defaults are.
 *
 * @param shipBy the order must be shipped within this long; after it, one {@code order_late} alert
 * @param giveUpAfter the workflow stops watching a late order after this long (it completes with
 *     outcome LATE; the alert stays open until someone acknowledges it); longer than {@code shipBy}
 * @param lateAlert how the {@code order_late} alert repeats and escalates
 */
public record OrderFulfilmentSettings(
    Duration shipBy, Duration giveUpAfter, AlertPolicy lateAlert) {

  public OrderFulfilmentSettings {
    Objects.requireNonNull(shipBy, "shipBy");
    Objects.requireNonNull(giveUpAfter, "giveUpAfter");
    Objects.requireNonNull(lateAlert, "lateAlert");
    if (shipBy.isNegative() || shipBy.isZero())
      throw new IllegalArgumentException("shipBy must be positive");
    if (giveUpAfter.compareTo(shipBy) <= 0)
      throw new IllegalArgumentException("giveUpAfter must be longer than shipBy");
  }
}
