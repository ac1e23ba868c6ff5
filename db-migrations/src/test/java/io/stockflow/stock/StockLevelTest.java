package io.stockflow.stock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StockLevelTest {

  /** on_hand 20, allocated 3, reserved 2: available 15. */
  static StockLevel level(
      long reorderPoint, long safetyStock, boolean sellable, boolean receivingBlocked) {
    return new StockLevel(20, 3, 2, 0, reorderPoint, safetyStock, 0, sellable, receivingBlocked);
  }

  @ParameterizedTest(name = "reorder point {0}, sellable {1}, blocked {2}: {3}")
  @CsvSource({
    "15, true,  false, true",
    "16, true,  false, true",
    "14, true,  false, false",
    "0,  true,  false, false",
    "15, false, false, false",
    "15, true,  true,  false"
  })
  void aSellableReceivableRowAtOrBelowItsReorderPointNeedsRestock(
      long reorderPoint, boolean sellable, boolean receivingBlocked, boolean needsRestock) {
    assertThat(level(reorderPoint, 0, sellable, receivingBlocked).needsRestock())
        .isEqualTo(needsRestock);
  }

  @ParameterizedTest(name = "max {0}, on hand {1}, in transit {2}: order {3}")
  @CsvSource({"100, 20, 0, 80", "100, 20, 30, 50", "100, 90, 10, 0", "50, 60, 0, -10"})
  void aRestockFillsTheShelfCountingWhatIsOnItsWay(
      long maxStock, long onHand, long inTransitIn, long quantity) {
    // Allocated and reserved units are still on the shelf: they do not change the order.
    assertThat(new StockLevel(onHand, 5, 5, inTransitIn, 0, 0, maxStock, true, false))
        .extracting(StockLevel::restockQuantity)
        .isEqualTo(quantity);
  }

  @ParameterizedTest(name = "reorder point {0}, safety stock {1}, sellable {2}: {3}")
  @CsvSource({
    "15, 0,  true,  LOW_STOCK",
    "14, 0,  true,  IN_STOCK",
    // No reorder point: the safety stock is the low mark.
    "0,  15, true,  LOW_STOCK",
    "0,  14, true,  IN_STOCK",
    "15, 0,  false, IN_STOCK"
  })
  void theAlertBandUsesTheRowsReorderPointOrSafetyStock(
      long reorderPoint, long safetyStock, boolean sellable, AvailabilityStatus band) {
    assertThat(level(reorderPoint, safetyStock, sellable, false).band()).isEqualTo(band);
  }

  @ParameterizedTest(name = "sellable {0}: {1}")
  @CsvSource({"true, OUT_OF_STOCK", "false, IN_STOCK"})
  void nothingAvailableIsOutOfStockWhereTheLocationSells(
      boolean sellable, AvailabilityStatus band) {
    assertThat(new StockLevel(5, 3, 2, 0, 10, 0, 0, sellable, false).band()).isEqualTo(band);
  }
}
