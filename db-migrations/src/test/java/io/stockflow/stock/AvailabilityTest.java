package io.stockflow.stock;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AvailabilityTest {

  @Test
  void availableIsOnHandLessAllocatedAndReserved() {
    assertThat(Availability.available(10, 3, 2)).isEqualTo(5);
    assertThat(Availability.available(5, 3, 2)).isEqualTo(0);
  }

  @Test
  void theSqlFormIsTheSameFormula() {
    Settings unquoted = new Settings().withRenderQuotedNames(RenderQuotedNames.NEVER);
    assertThat(DSL.using(SQLDialect.POSTGRES, unquoted).render(Availability.AVAILABLE))
        .isEqualTo(
            "((inventory_levels.on_hand - inventory_levels.allocated) - inventory_levels.reserved)");
  }

  @ParameterizedTest(name = "available {0}, safety stock {1}: {2} to sell")
  @CsvSource({"10, 4, 6", "4, 4, 0", "3, 4, 0", "0, 0, 0", "7, 0, 7"})
  void availableToSellHoldsBackSafetyStockAndNeverGoesBelowZero(
      long available, long safetyStock, long toSell) {
    assertThat(Availability.availableToSell(available, safetyStock)).isEqualTo(toSell);
  }

  @ParameterizedTest(name = "threshold {0}, {1} to sell: {2}")
  @CsvSource({
    "5, 0, OUT_OF_STOCK",
    "5, 1, LOW_STOCK",
    "5, 5, LOW_STOCK",
    "5, 6, IN_STOCK",
    "10, 7, LOW_STOCK",
    "10, 10, LOW_STOCK",
    "10, 11, IN_STOCK",
    "0, 1, IN_STOCK",
    "0, 0, OUT_OF_STOCK"
  })
  void statusBandsFollowTheLowStockThreshold(
      long threshold, long availableToSell, AvailabilityStatus status) {
    assertThat(new AvailabilitySettings(threshold).status(availableToSell)).isEqualTo(status);
  }

  @Test
  void statusesAreStoredInLowerCase() {
    assertThat(DbCode.codes(AvailabilityStatus.values()))
        .containsExactly("in_stock", "low_stock", "out_of_stock");
    assertThat(DbCode.fromCode(AvailabilityStatus.class, "low_stock"))
        .contains(AvailabilityStatus.LOW_STOCK);
    assertThat(DbCode.fromCode(AvailabilityStatus.class, "LOW_STOCK")).isEmpty();
    assertThat(DbCode.fromCode(AvailabilityStatus.class, null)).isEmpty();
  }

  @Test
  void aNegativeThresholdIsRefused() {
    assertThatThrownBy(() -> new AvailabilitySettings(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stockflow.availability.low-stock-threshold");
  }
}
