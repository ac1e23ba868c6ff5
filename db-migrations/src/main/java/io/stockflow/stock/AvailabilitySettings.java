package io.stockflow.stock;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code stockflow.availability.*}: how available-to-sell is banded for customers. The API's
 * availability endpoint and the channel sync (through the worker the platform configures) read the
 * same bean, so a shop and a sales channel never disagree about a SKU's status.
 *
 * @param lowStockThreshold at or below this many units available to sell (and above zero) a SKU is
 *     {@link AvailabilityStatus#LOW_STOCK}, "Only N left"
 */
@ConfigurationProperties("stockflow.availability")
public record AvailabilitySettings(@Bindable(defaultValue = "5") long lowStockThreshold) {

  public AvailabilitySettings {
    if (lowStockThreshold < 0) {
      throw new IllegalArgumentException("stockflow.availability.low-stock-threshold < 0");
    }
  }

  /** Out of stock at 0, low stock up to the threshold, in stock above it. */
  public AvailabilityStatus status(long availableToSell) {
    if (availableToSell <= 0) return AvailabilityStatus.OUT_OF_STOCK;
    return availableToSell <= lowStockThreshold
        ? AvailabilityStatus.LOW_STOCK
        : AvailabilityStatus.IN_STOCK;
  }
}
