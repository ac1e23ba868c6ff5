package io.stockflow.db.changefeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Pins the text form CockroachDB changefeeds print, which the bridge writes and all others read.
 */
class HlcTest {

  @Test
  void printsWallNanosADotAndTenLogicalDigits() {
    assertThat(new Hlc(1701102311425045162L, 0)).hasToString("1701102311425045162.0000000000");
    assertThat(new Hlc(1701102311425045162L, 42)).hasToString("1701102311425045162.0000000042");
    assertThat(new Hlc(1, 2)).hasToString("1.0000000002");
    assertThat(new Hlc(0, 9_999_999_999L)).hasToString("0.9999999999");
  }

  @Test
  void parsesWhatItPrintsAndABareWallTimeOrCounter() {
    assertThat(Hlc.parse("1701102311425045162.0000000042"))
        .isEqualTo(new Hlc(1701102311425045162L, 42));
    assertThat(Hlc.parse("1701102311425045162.1")).isEqualTo(new Hlc(1701102311425045162L, 1));
    assertThat(Hlc.parse("42")).isEqualTo(new Hlc(42, 0));
    Hlc h = new Hlc(1701102311425045162L, 7);
    assertThat(Hlc.parse(h.toString())).isEqualTo(h);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "yesterday", "1.", ".1", "1.x", "-1.0", "1.-1", "1.12345678901", "1.2.3"})
  void refusesAnythingElse(String text) {
    assertThatThrownBy(() -> Hlc.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesPartsTheTextFormCannotCarry() {
    assertThatThrownBy(() -> new Hlc(-1, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new Hlc(0, 10_000_000_000L))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void ordersByWallTimeThenLogicalCounterNumerically() {
    assertThat(Hlc.parse("9.0")).isLessThan(Hlc.parse("10.0"));
    assertThat(Hlc.parse("5.0000000002")).isGreaterThan(Hlc.parse("5.0000000001"));
    assertThat(Hlc.parse("5.0000000009")).isLessThan(Hlc.parse("6.0000000000"));
    assertThat(Hlc.parse("5")).isEqualByComparingTo(Hlc.parse("5.0000000000"));
  }

  @Test
  void anInstantIsItsWallTimeWithLogicalZero() {
    Instant t = Instant.ofEpochSecond(1701102311, 425045162);
    assertThat(Hlc.of(t)).hasToString("1701102311425045162.0000000000");
    assertThat(Hlc.of(t).toInstant()).isEqualTo(t);
  }
}
