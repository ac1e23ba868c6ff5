package io.stockflow.bridge.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Visibility as PostgreSQL's XidInMVCCSnapshot decides it, on pgoutput's 32-bit xids. */
class ScanSnapshotTest {
  @Test
  void aTransactionIsInTheSnapshotWhenItEndedBeforeIt() {
    ScanSnapshot s = ScanSnapshot.fromLine("100:105:101,103 5000");
    assertThat(s.includes(99, 10)).isTrue();
    assertThat(s.includes(100, 10)).isTrue();
    assertThat(s.includes(101, 10)).as("running").isFalse();
    assertThat(s.includes(102, 10)).isTrue();
    assertThat(s.includes(103, 10)).as("running").isFalse();
    assertThat(s.includes(104, 10)).isTrue();
    assertThat(s.includes(105, 10)).as("at xmax").isFalse();
    assertThat(s.includes(99, 5000)).as("at or after the WAL position of the snapshot").isFalse();
    assertThat(s.toLine()).isEqualTo("100:105:101,103 5000");
  }

  @Test
  void xidsOfALaterEpochCompareOnTheirLow32BitsAsPostgresqlDoes() {
    long epoch = 1L << 32;
    ScanSnapshot s = ScanSnapshot.parse((epoch + 10) + ":" + (epoch + 20) + ":", 5000);
    assertThat(s.includes(9, 10)).isTrue();
    assertThat(s.includes(15, 10)).isTrue();
    assertThat(s.includes(20, 10)).isFalse();
    // Just before the wrap: 2^32 - 5 precedes 10 modulo 2^32.
    ScanSnapshot wrapped = ScanSnapshot.parse("10:20:", 5000);
    assertThat(wrapped.includes((1L << 32) - 5, 10)).isTrue();
  }
}
