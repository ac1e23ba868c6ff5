package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.api.ops.OpsModels;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class LaneRatesTest {
  private final AtomicLong now = new AtomicLong();
  private final LaneRates rates = new LaneRates(Duration.ofSeconds(60), now::get);

  private void at(double seconds) {
    now.set((long) (seconds * 1e9));
  }

  @Test
  void noRateUntilTwoReadingsAtLeastASecondApart() {
    at(0);
    assertThat(rates.recent("t/a", new LaneRates.Reading(0, 0, 0, 0))).isNull();
    at(0.5);
    assertThat(rates.recent("t/a", new LaneRates.Reading(5, 0, 5, 500))).isNull();
  }

  @Test
  void ratesAndMeanLatencyAreTheDifferencesOverTheSpan() {
    at(0);
    rates.recent("t/a", new LaneRates.Reading(100, 2, 100, 10_000));
    at(4);
    OpsModels.LaneRecent r = rates.recent("t/a", new LaneRates.Reading(140, 4, 120, 14_000));
    assertThat(r.seconds()).isEqualTo(4.0);
    assertThat(r.processedPerSecond()).isEqualTo(10.0);
    assertThat(r.deadLetteredPerSecond()).isEqualTo(0.5);
    // 20 changes handled in the span took 4,000 ms together.
    assertThat(r.meanLatencyMillis()).isEqualTo(200.0);
  }

  @Test
  void aQuietLaneHasZeroRatesAndNoLatency() {
    at(0);
    rates.recent("t/a", new LaneRates.Reading(7, 0, 7, 700));
    at(2);
    OpsModels.LaneRecent r = rates.recent("t/a", new LaneRates.Reading(7, 0, 7, 700));
    assertThat(r.processedPerSecond()).isZero();
    assertThat(r.meanLatencyMillis()).isNull();
  }

  @Test
  void readingsOlderThanTheWindowAreForgotten() {
    at(0);
    rates.recent("t/a", new LaneRates.Reading(0, 0, 0, 0));
    at(30);
    rates.recent("t/a", new LaneRates.Reading(300, 0, 300, 0));
    at(70);
    // The reading at 0 s is past the 60 s window; the one at 30 s is the base now.
    OpsModels.LaneRecent r = rates.recent("t/a", new LaneRates.Reading(700, 0, 700, 0));
    assertThat(r.seconds()).isEqualTo(40.0);
    assertThat(r.processedPerSecond()).isEqualTo(10.0);
  }

  @Test
  void lanesAreCountedApart() {
    at(0);
    rates.recent("t/a", new LaneRates.Reading(0, 0, 0, 0));
    rates.recent("t/b", new LaneRates.Reading(0, 0, 0, 0));
    at(2);
    assertThat(rates.recent("t/a", new LaneRates.Reading(10, 0, 0, 0)).processedPerSecond())
        .isEqualTo(5.0);
    assertThat(rates.recent("t/b", new LaneRates.Reading(2, 0, 0, 0)).processedPerSecond())
        .isEqualTo(1.0);
  }
}
