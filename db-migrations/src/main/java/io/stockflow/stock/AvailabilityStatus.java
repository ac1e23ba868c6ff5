package io.stockflow.stock;

/**
 * How much stock is left, in three bands: of a SKU's available-to-sell as customers and channels
 * see it ({@code channel_availability.status}, the API's availability {@code status}; {@link
 * AvailabilitySettings#status} draws those bands), and of one row's available for the stock alerts
 * ({@link StockLevel#band}, against the row's own reorder point).
 */
public enum AvailabilityStatus implements DbCode {
  IN_STOCK,
  /** "Only N left": at or below the low-stock threshold. */
  LOW_STOCK,
  OUT_OF_STOCK
}
