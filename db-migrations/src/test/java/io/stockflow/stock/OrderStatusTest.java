package io.stockflow.stock;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class OrderStatusTest {

  @ParameterizedTest(name = "{0} -> {1}: {2}")
  @CsvSource({
    "pending,confirmed,true",
    "pending,cancelled,true",
    "pending,picked,false",
    "pending,shipped,false",
    "confirmed,picked,true",
    "confirmed,cancelled,true",
    "confirmed,pending,false",
    "picked,packed,true",
    "picked,cancelled,true",
    "packed,shipped,true",
    "packed,cancelled,true",
    "shipped,delivered,true",
    "shipped,cancelled,false",
    "delivered,cancelled,false",
    "delivered,shipped,false",
    "cancelled,pending,false",
    "cancelled,confirmed,false"
  })
  void onlyTheLifecycleMovesAreLegal(String from, String to, boolean legal) {
    assertThat(OrderStatus.of(from).orElseThrow().canMoveTo(OrderStatus.of(to).orElseThrow()))
        .isEqualTo(legal);
  }

  @ParameterizedTest
  @CsvSource({"pending", "confirmed", "picked", "packed", "shipped", "delivered", "cancelled"})
  void codesRoundTrip(String code) {
    assertThat(OrderStatus.of(code).orElseThrow().code()).isEqualTo(code);
  }

  @ParameterizedTest(name = "{0}: in fulfilment {1}, terminal {2}, shipped {3}")
  @CsvSource({
    "pending,   false, false, false",
    "confirmed, true,  false, false",
    "picked,    true,  false, false",
    "packed,    true,  false, false",
    "shipped,   false, true,  true",
    "delivered, false, true,  true",
    "cancelled, false, true,  false",
    // A status added to the table later reads as still in progress.
    "on_hold,   true,  false, false"
  })
  void theFulfilmentSlaReadsStatusesAsText(
      String code, boolean inFulfilment, boolean terminal, boolean shipped) {
    assertThat(OrderStatus.isInFulfilment(code)).isEqualTo(inFulfilment);
    assertThat(OrderStatus.isTerminal(code)).isEqualTo(terminal);
    assertThat(OrderStatus.isShipped(code)).isEqualTo(shipped);
  }
}
