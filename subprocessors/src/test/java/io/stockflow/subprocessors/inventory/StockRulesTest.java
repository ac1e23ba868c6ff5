package io.stockflow.subprocessors.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StockRulesTest {
  static StockLevel level(
      long onHand,
      long allocated,
      long reserved,
      long reorderPoint,
      boolean sellable,
      boolean blocked) {
    return new StockLevel(
        "S",
        "L",
        onHand,
        allocated,
        reserved,
        0,
        0,
        0,
        reorderPoint,
        2,
        100,
        sellable,
        blocked,
        Optional.empty());
  }

  @ParameterizedTest(
      name =
          "on_hand={0} allocated={1} reserved={2} reorder_point={3} sellable={4} blocked={5} -> restock={6}")
  @CsvSource({
    // available above the reorder point: nothing to do
    "50, 0, 0, 20, true, false, false",
    // exactly at the reorder point: restock
    "20, 0, 0, 20, true, false, true",
    // allocations and reservations count against available
    "30, 5, 6, 20, true, false, true",
    // out of stock: restock
    "0, 0, 0, 20, true, false, true",
    // not sellable here (e.g. a returns cage): never restocked
    "0, 0, 0, 20, false, false, false",
    // receiving blocked: ordering more would only pile up at the dock
    "0, 0, 0, 20, true, true, false",
    // no reorder point configured: restock is off for this location
    "0, 0, 0, 0, true, false, false",
  })
  void restockTruthTable(
      long onHand,
      long allocated,
      long reserved,
      long rp,
      boolean sellable,
      boolean blocked,
      boolean expected) {
    assertThat(level(onHand, allocated, reserved, rp, sellable, blocked).needsRestock())
        .isEqualTo(expected);
  }

  @ParameterizedTest(name = "book={0} counted={1} -> variance={2}")
  @CsvSource({
    "100, 100, false",
    "100, 96, false", // 4 units, 4 %
    "100, 94, true", // 6 %
    "1000, 989, true", // 11 units, 1.1 %
    "1000, 990, false", // 10 units, 1 %
    "0, 3, false", // 3 units from nothing: under 10 units, percentage undefined
    "0, 11, true",
  })
  void varianceTruthTable(long book, long counted, boolean expected) {
    assertThat(
            StockRules.significantVariance(
                book, counted, StockRules.VARIANCE_UNITS, StockRules.VARIANCE_FRACTION))
        .isEqualTo(expected);
  }

  @Test
  void cycleCountIsAMoveOfLastCountedAt() {
    StockLevel before = level(10, 0, 0, 5, true, false);
    StockLevel counted = withCount(before, Instant.parse("2026-11-22T10:00:00Z"));
    assertThat(StockRules.isCycleCount(before, counted)).isTrue();
    assertThat(StockRules.isCycleCount(counted, counted)).isFalse();
    assertThat(StockRules.isCycleCount(null, counted)).isFalse();
  }

  @Test
  void lowAndOutOfStockBands() {
    assertThat(level(0, 0, 0, 20, true, false).outOfStock()).isTrue();
    assertThat(level(0, 0, 0, 20, true, false).lowStock()).isFalse();
    assertThat(level(3, 0, 0, 20, true, false).lowStock()).isTrue();
    assertThat(level(30, 0, 0, 20, true, false).lowStock()).isFalse();
    assertThat(level(0, 0, 0, 20, false, false).outOfStock()).isFalse();
  }

  @Test
  void channelSyncOnlyWhenWhatChannelsSeeCanChange() {
    StockLevel a = level(10, 0, 0, 5, true, false);
    assertThat(StockRules.affectsChannelAvailability(a, level(10, 0, 0, 7, true, false))).isFalse();
    assertThat(StockRules.affectsChannelAvailability(a, level(10, 0, 1, 5, true, false))).isTrue();
    assertThat(StockRules.affectsChannelAvailability(a, level(10, 0, 0, 5, false, false))).isTrue();
    assertThat(StockRules.affectsChannelAvailability(null, a)).isTrue();
  }

  private static StockLevel withCount(StockLevel l, Instant at) {
    return new StockLevel(
        l.sku(),
        l.locationId(),
        l.onHand(),
        l.allocated(),
        l.reserved(),
        l.damaged(),
        l.inTransitIn(),
        l.inTransitOut(),
        l.reorderPoint(),
        l.safetyStock(),
        l.maxStock(),
        l.sellable(),
        l.receivingBlocked(),
        Optional.of(at));
  }
}
