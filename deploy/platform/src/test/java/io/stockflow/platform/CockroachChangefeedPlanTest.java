package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.changefeed.Hlc;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.CockroachChangefeedSql.SinkOptions;
import io.stockflow.platform.CockroachChangefeed.Job;
import io.stockflow.platform.CockroachChangefeed.Plan;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The changefeed lifecycle decided from the jobs CockroachDB lists and the consumed mark. */
class CockroachChangefeedPlanTest {
  private static final ChangefeedDeclaration FEED = ChangefeedDeclaration.stockflow();
  private static final Hlc CONSUMED = new Hlc(1701102311425045162L, 3);

  private static Plan plan(List<Job> jobs, Optional<Hlc> consumed) {
    return CockroachChangefeed.plan(jobs, consumed, FEED, "kafka:9092", SinkOptions.defaults());
  }

  @Test
  void aRunningJobIsKeptAndAPausedOneResumed() {
    assertThat(plan(List.of(new Job(7, "running", "1.0")), Optional.of(CONSUMED)))
        .isEqualTo(new Plan.Keep(7));
    assertThat(
            plan(
                List.of(new Job(9, "failed", "5.0"), new Job(8, "paused", "4.0")),
                Optional.of(CONSUMED)))
        .isEqualTo(new Plan.Resume(8));
  }

  @Test
  void aFailedOrCancelledJobIsRecreatedAtTheConsumedMark() {
    Plan p =
        plan(
            List.of(new Job(9, "canceled", "1701102399000000000.0000000000")),
            Optional.of(CONSUMED));
    assertThat(p).isInstanceOf(Plan.Create.class);
    assertThat(((Plan.Create) p).sql())
        .endsWith(", cursor = '1701102311425045162.0000000003', initial_scan = 'no'");
    assertThat(((Plan.Create) p).why()).contains("consumed high-water mark");
  }

  @Test
  void withoutAConsumedMarkTheLastJobsHighWaterMarkIsTheCursor() {
    Plan p =
        plan(
            List.of(
                new Job(9, "failed", null),
                new Job(8, "canceled", "1701102300000000000.0000000001")),
            Optional.empty());
    assertThat(((Plan.Create) p).sql())
        .endsWith(", cursor = '1701102300000000000.0000000001', initial_scan = 'no'");
    assertThat(((Plan.Create) p).why()).contains("job 8");
  }

  @Test
  void aJobThatNeverCheckpointedIsReplacedWithAnInitialScan() {
    Plan p = plan(List.of(new Job(9, "failed", null)), Optional.empty());
    assertThat(((Plan.Create) p).sql()).endsWith(", initial_scan = 'yes'").doesNotContain("cursor");
  }

  @Test
  void theFirstFeedStartsNowAsDeclared() {
    Plan p = plan(List.of(), Optional.empty());
    assertThat(((Plan.Create) p).sql())
        .startsWith("CREATE CHANGEFEED FOR TABLE inventory_levels")
        .contains(
            "kafka_sink_config = '{\"Flush\": {\"Messages\": 1000, \"Frequency\": \"100ms\"}, \"RequiredAcks\": \"ALL\"}'")
        .contains("gc_protect_expires_after = '86400s'")
        .endsWith(", initial_scan = 'no'");
  }
}
