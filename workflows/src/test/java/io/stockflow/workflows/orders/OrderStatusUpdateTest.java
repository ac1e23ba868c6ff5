package io.stockflow.workflows.orders;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class OrderStatusUpdateTest {

  static OrderStatusUpdate at(String version) {
    return new OrderStatusUpdate("o-1", "SEA1", "picked", version, null);
  }

  @Test
  void versionsOrderByWallTimeThenLogicalCounter() {
    assertThat(
            at("1701102311425045162.0000000001").isNewerThan(at("1701102311425045162.0000000000")))
        .isTrue();
    assertThat(
            at("1701102311425045163.0000000000").isNewerThan(at("1701102311425045162.0000000009")))
        .isTrue();
    assertThat(
            at("1701102311425045162.0000000000").isNewerThan(at("1701102311425045162.0000000000")))
        .as("equal is not newer")
        .isFalse();
    assertThat(at("9.0").isNewerThan(at("10.0"))).as("numeric, not lexicographic").isFalse();
    assertThat(at("42").isNewerThan(at("41"))).as("a bare counter").isTrue();
    assertThat(at("1").isNewerThan(null)).isTrue();
  }

  @Test
  void aMalformedVersionIsRefusedByTheCallerNotInsideTheWorkflow() {
    assertThatThrownBy(() -> at("yesterday")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> at("-1.0")).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> at("1.x")).isInstanceOf(IllegalArgumentException.class);
  }
}
