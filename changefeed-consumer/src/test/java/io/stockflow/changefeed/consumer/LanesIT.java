package io.stockflow.changefeed.consumer;

import static io.stockflow.changefeed.consumer.Envelopes.at;
import static io.stockflow.changefeed.consumer.Envelopes.change;
import static io.stockflow.changefeed.consumer.Envelopes.key;
import static io.stockflow.changefeed.consumer.Envelopes.keyString;
import static io.stockflow.changefeed.consumer.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stockflow.changefeed.ChangeEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Independent lanes against the real embedded Kafka broker and PostgreSQL: a stuck, failing or
 * cut-off subprocessor holds back only itself, the committed offset never passes what the slowest
 * lane has finished, a full lane stops fetching, and the batch SPI dead-letters only the bad
 * change. No timing assertions: a stuck subprocessor is a latch that the test opens.
 */
class LanesIT {
  @RegisterExtension static final ChangefeedStack stack = new ChangefeedStack();

  private final List<ChangefeedProcessor> processors = new ArrayList<>();
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final List<CountDownLatch> latches = new ArrayList<>();

  @AfterEach
  void closeProcessors() {
    latches.forEach(CountDownLatch::countDown); // never leave a lane blocked behind a test
    processors.forEach(ChangefeedProcessor::close);
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50));
  }

  private CountDownLatch latch() {
    CountDownLatch l = new CountDownLatch(1);
    latches.add(l);
    return l;
  }

  private ChangefeedProcessor start(
      String topic, Consumer<ChangefeedConfig.Builder> customize, RecordingSubprocessor... subs) {
    ChangefeedConfig.Builder builder =
        ChangefeedConfig.builder()
            .bootstrapServers(stack.bootstrap())
            .groupId("g-" + UUID.randomUUID().toString().substring(0, 6))
            .topic(topic, List.of(subs))
            .retry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40)))
            .pollTimeout(Duration.ofMillis(200))
            .controlRefreshInterval(Duration.ofMillis(200));
    customize.accept(builder);
    ChangefeedProcessor p = new ChangefeedProcessor(builder.build(), stack.dataSource(), registry);
    processors.add(p);
    p.start();
    return p;
  }

  /**
   * Sends {@code n} changes over {@code keys} rows, row {@code k} on partition {@code k %
   * partitions}; each row's {@code qty} counts up with its versions. Returns records per partition.
   */
  private long[] sendChanges(String topic, int partitions, int keys, int n) throws Exception {
    long[] perPartition = new long[partitions];
    for (int i = 0; i < n; i++) {
      int k = i % keys;
      long version = i / keys + 1;
      stack.send(
          topic,
          k % partitions,
          key("SKU-" + k, "L"),
          change(row("SKU-" + k, "L", version, "", at(i + 1)), "null", at(i + 1)));
      perPartition[k % partitions]++;
    }
    return perPartition;
  }

  private static ChangefeedStatus.LaneStatus lane(ChangefeedProcessor p, String topic, String s) {
    return p.status().topic(topic).lanes().stream()
        .filter(l -> l.subprocessor().equals(s))
        .findFirst()
        .orElseThrow();
  }

  private long committed(ChangefeedProcessor p, String topic, int partition) throws Exception {
    var c = stack.committed(p.config().groupId()).get(new TopicPartition(topic, partition));
    return c == null ? 0 : c.offset();
  }

  /** Every row's changes were handled in version order (duplicates allowed, never backwards). */
  private static void assertPerKeyOrder(RecordingSubprocessor s, int keys) {
    for (int k = 0; k < keys; k++) {
      List<Long> versions =
          s.seenOf(keyString("SKU-" + k, "L")).stream()
              .map(ChangeEvent::after)
              .map(a -> a.get("qty").asLong())
              .toList();
      assertThat(versions).as("versions of SKU-%d in handling order", k).isSorted();
    }
  }

  @Test
  void aStuckSubprocessorDoesNotDelayAnotherLaneAndCatchesUpInPerKeyOrder() throws Exception {
    String topic = stack.newTopic("lanes", 2);
    CountDownLatch open = latch();
    RecordingSubprocessor stuck = new RecordingSubprocessor("stuck").gate(open);
    RecordingSubprocessor fast = new RecordingSubprocessor("fast");
    ChangefeedProcessor p = start(topic, b -> {}, stuck, fast);

    int n = 300;
    int keys = 10;
    long[] perPartition = sendChanges(topic, 2, keys, n);

    // Every change reaches the fast lane, and the lane finishes them (its queue count drops after
    // the batch's fences are stored, a moment after process() saw the last one), while the stuck
    // one has not finished a single call.
    eventually().until(() -> fast.seen.size() == n && lane(p, topic, "fast").queuedRecords() == 0);
    assertThat(stuck.seen).isEmpty();
    assertThat(lane(p, topic, "stuck").queuedRecords()).isEqualTo(n);
    // The commit follows the slowest lane: nothing it has not finished is committed.
    assertThat(committed(p, topic, 0)).isZero();
    assertThat(committed(p, topic, 1)).isZero();

    open.countDown();
    eventually().until(() -> stuck.seen.size() == n);
    assertPerKeyOrder(stuck, keys);
    assertPerKeyOrder(fast, keys);
    eventually()
        .until(
            () ->
                committed(p, topic, 0) == perPartition[0]
                    && committed(p, topic, 1) == perPartition[1]);
    assertThat(fast.seen).hasSize(n); // nothing was handled twice on the way
  }

  @Test
  void aFullLaneStopsFetchingUntilItDrains() throws Exception {
    String topic = stack.newTopic("bound", 1);
    CountDownLatch open = latch();
    RecordingSubprocessor stuck = new RecordingSubprocessor("stuck").gate(open);
    RecordingSubprocessor fast = new RecordingSubprocessor("fast");
    int poll = 20;
    int capacity = 50;
    ChangefeedProcessor p =
        start(
            topic,
            b -> b.maxPollRecords(poll).laneCapacity(capacity).laneBatchRecords(poll),
            stuck,
            fast);

    int n = 400;
    sendChanges(topic, 1, 8, n);

    eventually().until(() -> p.status().topic(topic).fetchPaused());
    // Fetching stopped at the bound: the stuck lane holds at least its capacity and at most one
    // poll more, and the fast lane cannot have been given more than was fetched.
    long held = lane(p, topic, "stuck").queuedRecords();
    assertThat(held).isBetween((long) capacity, (long) capacity + poll);
    assertThat(fast.seen.size()).isLessThanOrEqualTo(capacity + poll);
    assertThat(registry.find(ChangefeedMeters.FETCH_PAUSED).tag("topic", topic).gauge().value())
        .isEqualTo(1.0);
    assertThat(p.status().topic(topic).consumerLag()).isGreaterThan(0);

    open.countDown();
    eventually().until(() -> stuck.seen.size() == n && fast.seen.size() == n);
    eventually().until(() -> !p.status().topic(topic).fetchPaused());
    assertPerKeyOrder(stuck, 8);
    eventually().until(() -> committed(p, topic, 0) == n);
  }

  @Test
  void aBatchSubprocessorGetsChunksAndOnlyTheBadChangeIsDeadLettered() throws Exception {
    String topic = stack.newTopic("batch", 1);
    int n = 300;
    int keys = 3;
    // SKU-1's 20th version is refused every time, even alone.
    RecordingSubprocessor batchy =
        new RecordingSubprocessor("batchy")
            .batches(50)
            .failWhen(e -> e.keyPart(0).equals("SKU-1") && e.after().get("qty").asLong() == 20);
    ChangefeedProcessor p = start(topic, b -> {}, batchy);
    sendChanges(topic, 1, keys, n);

    eventually().until(() -> batchy.seen.size() == n - 1);
    List<DeadLetter> letters =
        eventually()
            .until(
                () -> p.deadLetters().list(new DeadLetters.Query(topic, "batchy", null, 10)),
                l -> !l.isEmpty());
    assertThat(letters).hasSize(1);
    // SKU-1 is every third change from the second on: its 20th version is change 58 (offset 58).
    assertThat(letters.get(0).sourceOffset()).isEqualTo(58);
    assertThat(batchy.batchSizes).allMatch(size -> size <= 50);
    assertThat(batchy.batchSizes.stream().mapToInt(Integer::intValue).max().orElse(0))
        .isGreaterThan(1);
    assertPerKeyOrder(batchy, keys);
    eventually().until(() -> committed(p, topic, 0) == n);
  }

  @Test
  void anOutageStopsOnlyItsLaneWithoutDeadLettersAndItCatchesUpWhenTheDependencyIsBack()
      throws Exception {
    String topic = stack.newTopic("outage", 1);
    RecordingSubprocessor down = new RecordingSubprocessor("down");
    down.outage.set(true);
    RecordingSubprocessor fine = new RecordingSubprocessor("fine");
    ChangefeedProcessor p = start(topic, b -> b.outageBackoff(Duration.ofMillis(200)), down, fine);

    int n = 60;
    sendChanges(topic, 1, 6, n);
    eventually().until(() -> fine.seen.size() == n);
    eventually().until(() -> lane(p, topic, "down").failingSince() != null);
    assertThat(lane(p, topic, "down").lastFailure()).contains("Connection refused");
    assertThat(
            registry
                .find(ChangefeedMeters.LANE_FAILING)
                .tag("subprocessor", "down")
                .gauge()
                .value())
        .isEqualTo(1.0);
    eventually().until(() -> down.calls.get() > 10); // retried again and again, not given up
    assertThat(down.seen).isEmpty();
    assertThat(p.deadLetters().list(new DeadLetters.Query(topic, null, null, 10))).isEmpty();
    assertThat(committed(p, topic, 0)).isZero();

    down.outage.set(false);
    eventually().until(() -> down.seen.size() >= n && committed(p, topic, 0) == n);
    assertThat(lane(p, topic, "down").failingSince()).isNull();
    assertThat(p.deadLetters().list(new DeadLetters.Query(topic, null, null, 10))).isEmpty();
    assertPerKeyOrder(down, 6);
  }

  @Test
  void aLaneKilledByAnErrorRestartsTheTopicConsumerAndNothingUnhandledIsCommitted()
      throws Exception {
    String topic = stack.newTopic("crash", 1);
    RecordingSubprocessor crashing = new RecordingSubprocessor("crashing");
    crashing.crash.set(true);
    RecordingSubprocessor fine = new RecordingSubprocessor("fine");
    ChangefeedProcessor p = start(topic, b -> {}, crashing, fine);

    int n = 40;
    sendChanges(topic, 1, 4, n);
    // The error kills the lane, which ends the topic's consumer; it is restarted, dies again …
    eventually().until(() -> p.status().topic(topic).restarts() >= 2);
    // … and none of it was committed, although the other lane handled every change.
    eventually().until(() -> fine.seen.size() >= n);
    assertThat(crashing.seen).isEmpty();
    assertThat(committed(p, topic, 0)).isZero();
    assertThat(p.deadLetters().list(new DeadLetters.Query(topic, null, null, 10))).isEmpty();

    crashing.crash.set(false);
    eventually().until(() -> crashing.seen.size() >= n && committed(p, topic, 0) == n);
    assertThat(p.status().topic(topic).consuming()).isTrue();
    assertPerKeyOrder(crashing, 4);
  }
}
