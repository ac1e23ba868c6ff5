package io.stockflow.workflows.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.support.TestEnvironments;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ChannelSyncWorkflowTest {
  static final String QUEUE = "sync-test";
  static final ChannelSyncSettings EVERY_MINUTE =
      new ChannelSyncSettings(Duration.ofMinutes(1), Duration.ofMinutes(10), 5);

  TestWorkflowEnvironment env;
  ChannelSyncClient sync;
  final List<Long> projections = Collections.synchronizedList(new ArrayList<>());
  final List<ChannelPush> pushes = Collections.synchronizedList(new ArrayList<>());

  @BeforeEach
  void start() {
    env = TestEnvironments.create();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(ChannelSyncWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new ChannelSyncActivities() {
          @Override
          public List<ChannelPush> project(String sku, long lowStockThreshold) {
            projections.add(env.currentTimeMillis());
            Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
            return List.of(
                new ChannelPush("web", "http://web", sku, 3, "low_stock", now),
                new ChannelPush("app", "http://app", sku, 3, "low_stock", now));
          }

          @Override
          public void push(ChannelPush push) {
            pushes.add(push);
          }
        });
    env.start();
    sync = new ChannelSyncClient(env.getWorkflowClient(), QUEUE, EVERY_MINUTE);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  StockSnapshot change(String location, String hlc) {
    return new StockSnapshot(
        "JERKY-TERIYAKI-3OZ", location, 10, 2, 0, 0, 0, 5, 2, 50, true, false, null, hlc);
  }

  @Test
  void a_burst_of_changes_is_pushed_at_most_once_per_interval_to_every_channel() {
    sync.onStockChanged(change("SEA1", "1.0"));
    for (int i = 2; i < 12; i++)
      sync.onStockChanged(change(i % 2 == 0 ? "SEA1" : "PDX1", i + ".0"));
    sync.onStockChanged(change("SEA1", "1.0"));
    env.getWorkflowClient()
        .newUntypedWorkflowStub(ChannelSyncClient.workflowId("JERKY-TERIYAKI-3OZ"))
        .getResult(Void.class);

    assertThat(projections).hasSizeBetween(1, 3);
    for (int i = 1; i < projections.size(); i++) {
      assertThat(projections.get(i) - projections.get(i - 1))
          .isGreaterThanOrEqualTo(Duration.ofMinutes(1).toMillis());
    }
    assertThat(pushes).hasSize(2 * projections.size());
    assertThat(pushes).extracting(ChannelPush::channelId).contains("web", "app");
    TestEnvironments.recordIfRequested(
        env, ChannelSyncClient.workflowId("JERKY-TERIYAKI-3OZ"), "channel-sync");
  }

  @Test
  void available_to_sell_status_bands() {
    assertThat(ChannelSyncActivitiesImpl.status(0, 5)).isEqualTo("out_of_stock");
    assertThat(ChannelSyncActivitiesImpl.status(5, 5)).isEqualTo("low_stock");
    assertThat(ChannelSyncActivitiesImpl.status(6, 5)).isEqualTo("in_stock");
  }
}
