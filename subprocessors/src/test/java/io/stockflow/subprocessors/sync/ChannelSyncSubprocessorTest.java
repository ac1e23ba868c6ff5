package io.stockflow.subprocessors.sync;

import static io.stockflow.subprocessors.inventory.Changes.row;
import static io.stockflow.subprocessors.inventory.Changes.update;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.stockflow.workflows.sync.ChannelSyncClient;
import io.stockflow.workflows.sync.ChannelSyncSettings;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptor;
import io.temporal.common.interceptors.WorkflowClientCallsInterceptorBase;
import io.temporal.common.interceptors.WorkflowClientInterceptorBase;
import io.temporal.testing.TestEnvironmentOptions;
import io.temporal.testing.TestWorkflowEnvironment;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real {@link ChannelSyncClient} against Temporal's test server (no worker: the signals stay in
 * the bucket workflows' histories, where the test reads them), with a client interceptor that
 * counts SignalWithStart calls.
 */
class ChannelSyncSubprocessorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final int BUCKETS = 8;

  TestWorkflowEnvironment env;
  ChannelSyncSubprocessor subprocessor;
  final AtomicInteger signalWithStarts = new AtomicInteger();

  @BeforeEach
  void start() {
    WorkflowClientInterceptorBase counting =
        new WorkflowClientInterceptorBase() {
          @Override
          public WorkflowClientCallsInterceptor workflowClientCallsInterceptor(
              WorkflowClientCallsInterceptor next) {
            return new WorkflowClientCallsInterceptorBase(next) {
              @Override
              public WorkflowSignalWithStartOutput signalWithStart(
                  WorkflowSignalWithStartInput input) {
                signalWithStarts.incrementAndGet();
                return super.signalWithStart(input);
              }
            };
          }
        };
    env =
        TestWorkflowEnvironment.newInstance(
            TestEnvironmentOptions.newBuilder()
                .setWorkflowClientOptions(
                    WorkflowClientOptions.newBuilder().setInterceptors(counting).build())
                .build());
    StockflowSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    env.start();
    subprocessor =
        new ChannelSyncSubprocessor(
            new ChannelSyncClient(
                env.getWorkflowClient(),
                "channel-sync-subprocessor-test",
                new ChannelSyncSettings(Duration.ofSeconds(30), Duration.ofMinutes(10), BUCKETS)));
  }

  @AfterEach
  void stop() {
    env.close();
  }

  static ChangeEvent change(String sku, String location, long onHand) {
    return update(
        row("sku=" + sku, "location_id=" + location),
        row("sku=" + sku, "location_id=" + location, "on_hand=" + onHand),
        false);
  }

  /** The SKUs signalled to a bucket, one list per signal. */
  List<List<String>> signals(int bucket) {
    List<List<String>> signals = new ArrayList<>();
    for (HistoryEvent e :
        env.getWorkflowClient()
            .fetchHistory(ChannelSyncClient.workflowId(bucket))
            .getHistory()
            .getEventsList()) {
      if (e.getEventType() != EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED) continue;
      try {
        signals.add(
            List.of(
                JSON.readValue(
                    e.getWorkflowExecutionSignaledEventAttributes()
                        .getInput()
                        .getPayloads(0)
                        .getData()
                        .toStringUtf8(),
                    String[].class)));
      } catch (Exception ex) {
        throw new AssertionError(ex);
      }
    }
    return signals;
  }

  @Test
  void aBatchOverManySkusMakesOneCallPerBucketTouched() {
    List<ChangeEvent> batch = new ArrayList<>();
    Set<String> skus = new HashSet<>();
    for (int i = 0; i < 200; i++) {
      String sku = "SKU-" + (i % 60); // 60 SKUs, some at two locations and changed twice
      skus.add(sku);
      batch.add(change(sku, i % 2 == 0 ? "SEA1" : "PDX1", i));
    }
    Set<Integer> touched = new HashSet<>();
    skus.forEach(sku -> touched.add(ChannelSyncClient.bucketOf(sku, BUCKETS)));

    subprocessor.processBatch(batch);

    assertThat(signalWithStarts.get()).isEqualTo(touched.size());
    Set<String> signalled = new HashSet<>();
    for (int bucket : touched) {
      List<List<String>> received = signals(bucket);
      assertThat(received).as("bucket %d", bucket).hasSize(1);
      assertThat(received.get(0))
          .doesNotHaveDuplicates()
          .allMatch(sku -> ChannelSyncClient.bucketOf(sku, BUCKETS) == bucket);
      signalled.addAll(received.get(0));
    }
    assertThat(signalled).isEqualTo(skus);
  }

  @Test
  void oneChangeAtATimeStillReachesItsBucket() {
    subprocessor.process(change("JERKY-TERIYAKI-3OZ", "SEA1", 12));
    int bucket = ChannelSyncClient.bucketOf("JERKY-TERIYAKI-3OZ", BUCKETS);
    assertThat(signalWithStarts.get()).isEqualTo(1);
    assertThat(signals(bucket)).containsExactly(List.of("JERKY-TERIYAKI-3OZ"));
    assertThat(subprocessor.coalescingKey(change("JERKY-TERIYAKI-3OZ", "SEA1", 12)))
        .as("coalescing per bucket would drop SKUs")
        .isNull();
    assertThat(subprocessor.maxBatchSize()).isGreaterThan(1);
  }
}
