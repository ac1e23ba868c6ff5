package io.stockflow.api.inventory;

import io.micronaut.context.annotation.ConfigurationProperties;

/** {@code stockflow.availability.*}: how availability is shown to customers. */
@ConfigurationProperties("stockflow.availability")
public class AvailabilityConfiguration {
  private long lowStockThreshold = 5;

  /**
   * At or below this many units available to sell (and above zero) a SKU is {@code low_stock} with
   * the message "Only N left" ({@code stockflow.availability.low-stock-threshold}, default 5).
   */
  public long getLowStockThreshold() {
    return lowStockThreshold;
  }

  public void setLowStockThreshold(long lowStockThreshold) {
    if (lowStockThreshold < 0) throw new IllegalArgumentException("must be >= 0");
    this.lowStockThreshold = lowStockThreshold;
  }
}
