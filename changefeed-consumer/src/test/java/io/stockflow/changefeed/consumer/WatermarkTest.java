package io.stockflow.changefeed.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.changefeed.Hlc;
import java.util.List;
import org.junit.jupiter.api.Test;

class WatermarkTest {
  @Test
  void shouldBeUnknownUntilEveryAssignedPartitionResolvedThenTheMinimum() {
    Watermark w = new Watermark();
    assertThat(w.current()).isEmpty();
    w.assigned(List.of(0, 1));
    w.resolved(0, new Hlc(20, 0));
    assertThat(w.current()).isEmpty();
    assertThat(w.lagSeconds()).isNaN();
    w.resolved(1, new Hlc(10, 5));
    assertThat(w.current()).contains(new Hlc(10, 5));
    w.resolved(1, new Hlc(30, 0));
    assertThat(w.current()).contains(new Hlc(20, 0));
  }

  @Test
  void shouldNeverMoveBackwardsAndForgetRevokedPartitions() {
    Watermark w = new Watermark();
    w.assigned(List.of(0, 1));
    w.resolved(0, new Hlc(50, 0));
    w.resolved(0, new Hlc(40, 0));
    w.resolved(1, new Hlc(10, 0));
    assertThat(w.perPartition()).containsEntry(0, new Hlc(50, 0));
    w.revoked(List.of(1));
    assertThat(w.current()).contains(new Hlc(50, 0));
    assertThat(w.lagSeconds()).isGreaterThan(0);
  }
}
