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
  void available_is_on_hand_less_allocated_and_reserved() {
    assertThat(Availability.available(10, 3, 2)).isEqualTo(5);
    assertThat(Availability.available(5, 3, 2)).isEqualTo(0);
  }

  @Test
  void the_sql_form_is_the_same_formula() {
    Settings unquoted = new Settings().withRenderQuotedNames(RenderQuotedNames.NEVER);
    assertThat(DSL.using(SQLDialect.POSTGRES, unquoted).render(Availability.AVAILABLE))
        .isEqualTo(
            "((inventory_levels.on_hand - inventory_levels.allocated) - inventory_levels.reserved)");
  }

  @ParameterizedTest(name = "available {0}, safety stock {1}: {2} to sell")
  @CsvSource({"10, 4, 6", "4, 4, 0", "3, 4, 0", "0, 0, 0", "7, 0, 7"})
  void available_to_sell_holds_back_safety_stock_and_never_goes_below_zero(
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
  void status_bands_follow_the_low_stock_threshold(
      long threshold, long availableToSell, AvailabilityStatus status) {
    assertThat(new AvailabilitySettings(threshold).status(availableToSell)).isEqualTo(status);
  }

  @Test
  void statuses_are_stored_in_lower_case() {
    assertThat(DbCode.codes(AvailabilityStatus.values()))
        .containsExactly("in_stock", "low_stock", "out_of_stock");
    assertThat(DbCode.fromCode(AvailabilityStatus.class, "low_stock"))
        .contains(AvailabilityStatus.LOW_STOCK);
    assertThat(DbCode.fromCode(AvailabilityStatus.class, "LOW_STOCK")).isEmpty();
    assertThat(DbCode.fromCode(AvailabilityStatus.class, null)).isEmpty();
  }

  @Test
  void a_negative_threshold_is_refused() {
    assertThatThrownBy(() -> new AvailabilitySettings(-1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("stockflow.availability.low-stock-threshold");
  }
}
