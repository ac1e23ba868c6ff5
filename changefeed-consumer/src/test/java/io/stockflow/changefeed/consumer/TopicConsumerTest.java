package io.stockflow.changefeed.consumer;

import static io.stockflow.changefeed.consumer.Envelopes.at;
import static io.stockflow.changefeed.consumer.Envelopes.key;
import static io.stockflow.changefeed.consumer.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The topic consumer's poll loop against Kafka's {@link MockConsumer}: what it commits, where it
 * rewinds and what a revocation does, with real lanes and dispatchers and in-memory fences and dead
 * letters (no broker, no database). Each subprocessor handles one segment (one poll) at a time
 * ({@code laneBatchRecords} 1), in order ({@code subprocessorConcurrency} 1).
 */
class TopicConsumerTest {
  private static final String TOPIC = "inventory_levels";
  private static final TopicPartition P0 = new TopicPartition(TOPIC, 0);
  private static final TopicPartition P1 = new TopicPartition(TOPIC, 1);

  private final RecordingMockConsumer kafka = new RecordingMockConsumer();
  private final InMemoryFences fences = new InMemoryFences();
  private final List<DeadLetterWriter.Letter> deadLetters = new CopyOnWriteArrayList<>();
  private final AtomicInteger deadLetterWrites = new AtomicInteger();
  private final CountDownLatch gate = new CountDownLatch(1);
  private final CountDownLatch atGate = new CountDownLatch(1);
  private volatile int failingDeadLetterWrites;
  private TopicConsumer consumer;
  private Thread thread;

  @AfterEach
  void stopConsumer() throws InterruptedException {
    gate.countDown(); // a lane stuck at the gate would hold the stop up
    if (consumer == null) return;
    consumer.stop();
    thread.join(Duration.ofSeconds(10).toMillis());
    assertThat(thread.isAlive()).as("consumer thread stopped").isFalse();
  }

  @Test
  void commitsPerPartitionTheLowestOffsetEveryLaneHasFinished() {
    RecordingSubprocessor fast = new RecordingSubprocessor("fast");
    RecordingSubprocessor slow = gatedAt(new RecordingSubprocessor("slow"), P0, 2);
    kafka.schedulePollTask(() -> assign(P0, P1));
    for (long offset = 0; offset < 5; offset++) {
      long o = offset;
      kafka.schedulePollTask(() -> kafka.addRecord(change(P0, o))); // one poll, one segment each
    }
    start(Duration.ZERO, fast, slow);

    await().until(() -> fast.seen.size() == 5 && atGate.getCount() == 0);
    // fast finished 0..4, slow 0..1 and is stuck at 2: the commit stays at 2 however often it runs
    await()
        .during(Duration.ofMillis(300))
        .atMost(Duration.ofSeconds(5))
        .until(() -> kafka.lastCommitted(P0) == 2);
    assertThat(kafka.committedOffsets(P0)).allMatch(o -> o <= 2);
    assertThat(kafka.committedOffsets(P1)).as("nothing consumed of partition 1").isEmpty();

    gate.countDown();
    await().until(() -> kafka.lastCommitted(P0) == 5);
    assertThat(offsets(slow.seen)).containsExactly(0L, 1L, 2L, 3L, 4L);
  }

  @Test
  void aPollThatCannotBeQueuedIsFetchedAgainFromTheEndOfWhatTheLanesHold() {
    RecordingSubprocessor s = gatedAt(new RecordingSubprocessor("audit"), P0, 1);
    failingDeadLetterWrites = 1;
    kafka.schedulePollTask(() -> assign(P0));
    kafka.schedulePollTask(
        () -> {
          kafka.addRecord(change(P0, 0));
          kafka.addRecord(change(P0, 1));
        });
    // 3 cannot be decoded and its dead letter cannot be written: the poll is not queued at all
    kafka.schedulePollTask(() -> addRecords(2, 5));
    AtomicLong positionWhenFetchedAgain = new AtomicLong(-1);
    kafka.schedulePollTask(
        () -> {
          positionWhenFetchedAgain.set(kafka.position(P0));
          gate.countDown();
          addRecords(0, 5); // the broker still has them all; a fetch starts at the position
        });
    start(TopicConsumer.COMMIT_INTERVAL, s);

    // 0..1 were queued (the lane still works on 1, so nothing is committed): the consumer seeks to
    // 2, neither to the commit (0 and 1 would come twice) nor past the failed poll (2..4 lost)
    await().until(() -> s.seen.size() == 4);
    assertThat(positionWhenFetchedAgain).hasValue(2);
    assertThat(offsets(s.seen)).containsExactly(0L, 1L, 2L, 4L);
    assertThat(deadLetterWrites).hasValue(2);
    assertThat(deadLetters).singleElement().satisfies(l -> assertThat(l.offset()).isEqualTo(3));
    assertThat(deadLetters.get(0).subprocessor()).isEmpty();
    await().until(() -> kafka.lastCommitted(P0) == 5);
  }

  @Test
  void aRevocationCommitsWhatEveryLaneFinishedAndTheLanesDropTheRevokedPartitionsWork() {
    RecordingSubprocessor fast = new RecordingSubprocessor("fast");
    RecordingSubprocessor slow = gatedAt(new RecordingSubprocessor("slow"), P0, 0);
    kafka.schedulePollTask(() -> assign(P0, P1));
    kafka.schedulePollTask(() -> kafka.addRecord(change(P1, 0)));
    kafka.schedulePollTask(() -> kafka.addRecord(change(P0, 0))); // slow gets stuck here …
    kafka.schedulePollTask(() -> kafka.addRecord(change(P1, 1))); // … with this queued behind
    // Commits only on revocation and stop, so each commit below is theirs.
    start(Duration.ofHours(1), fast, slow);
    await().until(() -> fast.seen.size() == 3 && atGate.getCount() == 0);

    kafka.schedulePollTask(() -> kafka.rebalance(List.of(P0)));
    // The revocation moved partition 1's epoch and now waits for slow's attempt in flight.
    await().until(() -> consumer.epoch(1) == null);
    gate.countDown();

    await().until(() -> kafka.commits.size() == 1);
    // fast finished partition 1 up to 2, slow only up to 1: the new owner re-delivers from 1
    assertThat(kafka.commits).containsExactly(Map.of(P1, new OffsetAndMetadata(1)));
    await().until(() -> queuedOn("slow") == 0); // every segment it was given is handled
    assertThat(slow.seen)
        .extracting(e -> e.partition() + "@" + e.offset())
        .as("partition 1's change queued behind the revocation is dropped, not handled")
        .containsExactly("1@0", "0@0");
    assertThat(consumer.assigned()).containsExactly(0);

    consumer.stop();
    await().until(() -> !thread.isAlive());
    assertThat(kafka.commits)
        .containsExactly(
            Map.of(P1, new OffsetAndMetadata(1)), Map.of(P0, new OffsetAndMetadata(1)));
  }

  private void start(Duration commitInterval, RecordingSubprocessor... subprocessors) {
    ChangefeedConfig config =
        ChangefeedConfig.builder()
            .bootstrapServers("unused:9092")
            .groupId("topic-consumer-test")
            .topic(TOPIC, List.of(subprocessors))
            .maxPollRecords(1)
            .laneBatchRecords(1)
            .laneCapacity(100)
            .subprocessorConcurrency(1)
            .build();
    ChangefeedMetrics metrics = new ChangefeedMetrics(new SimpleMeterRegistry());
    consumer =
        new TopicConsumer(
            TOPIC,
            config,
            properties -> {
              assertThat(properties).containsEntry("enable.auto.commit", "false");
              return kafka;
            },
            new EnvelopeDecoder(),
            fences,
            this::writeDeadLetters,
            (topic, subprocessor, partitions, limit) -> 0, // nothing was ever parked
            new SubprocessorInvoker(config.retry(), metrics),
            Set::of,
            metrics,
            // Never stores: the tests send no resolved messages, so there is no mark to store.
            new ConsumedMarks(null, config.groupId(), TOPIC, Duration.ofSeconds(5)),
            commitInterval);
    thread = new Thread(consumer, "topic-consumer-test");
    thread.start();
  }

  private void writeDeadLetters(List<DeadLetterWriter.Letter> letters) {
    if (letters.isEmpty()) return;
    deadLetterWrites.incrementAndGet();
    if (failingDeadLetterWrites > 0) {
      failingDeadLetterWrites--;
      throw new IllegalStateException("dead-letter topic unreachable");
    }
    deadLetters.addAll(letters);
  }

  /**
   * Makes {@code s} stop at the change at {@code partition}/{@code offset} until the gate opens.
   */
  private RecordingSubprocessor gatedAt(RecordingSubprocessor s, TopicPartition tp, long offset) {
    s.during =
        e -> {
          if (e.partition() != tp.partition() || e.offset() != offset) return;
          atGate.countDown();
          try {
            gate.await();
          } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
          }
        };
    return s;
  }

  private long queuedOn(String subprocessor) {
    return consumer.laneStatus().stream()
        .filter(l -> l.subprocessor().equals(subprocessor))
        .findFirst()
        .orElseThrow()
        .queuedRecords();
  }

  /** Runs inside a poll: the group coordinator hands this consumer the partitions. */
  private void assign(TopicPartition... partitions) {
    kafka.updateBeginningOffsets(Map.of(P0, 0L, P1, 0L));
    kafka.rebalance(List.of(partitions));
  }

  /** Partition 0's records {@code from} to {@code to} (exclusive); offset 3 is not JSON. */
  private void addRecords(long from, long to) {
    for (long o = from; o < to; o++)
      kafka.addRecord(o == 3 ? record(P0, o, key("SKU-0-3", "SEA1"), "not json") : change(P0, o));
  }

  /** An insert of its own row, so no fence ever skips it. */
  private static ConsumerRecord<byte[], byte[]> change(TopicPartition tp, long offset) {
    String sku = "SKU-" + tp.partition() + "-" + offset;
    Hlc updated = at(tp.partition() * 1_000L + offset + 1);
    return record(
        tp,
        offset,
        key(sku, "SEA1"),
        Envelopes.change(row(sku, "SEA1", offset, "n", updated), "null", updated));
  }

  private static ConsumerRecord<byte[], byte[]> record(
      TopicPartition tp, long offset, String key, String value) {
    return new ConsumerRecord<>(
        tp.topic(),
        tp.partition(),
        offset,
        key.getBytes(StandardCharsets.UTF_8),
        value.getBytes(StandardCharsets.UTF_8));
  }

  private static List<Long> offsets(List<ChangeEvent> events) {
    return events.stream().map(ChangeEvent::offset).toList();
  }

  /**
   * Records every commit (the mock forgets those of partitions no longer assigned), and waits a
   * little in a poll that returns nothing, as a broker's fetch does, so the loop does not spin.
   */
  private static final class RecordingMockConsumer extends MockConsumer<byte[], byte[]> {
    final List<Map<TopicPartition, OffsetAndMetadata>> commits = new CopyOnWriteArrayList<>();

    RecordingMockConsumer() {
      super("earliest");
    }

    @Override
    public ConsumerRecords<byte[], byte[]> poll(Duration timeout) {
      ConsumerRecords<byte[], byte[]> records = super.poll(timeout);
      // Outside the mock's lock, so the test thread can schedule the next poll task meanwhile.
      if (records.isEmpty()) LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
      return records;
    }

    @Override
    public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
      super.commitSync(offsets);
      commits.add(Map.copyOf(offsets));
    }

    List<Long> committedOffsets(TopicPartition tp) {
      return commits.stream().filter(c -> c.containsKey(tp)).map(c -> c.get(tp).offset()).toList();
    }

    long lastCommitted(TopicPartition tp) {
      List<Long> offsets = committedOffsets(tp);
      return offsets.isEmpty() ? -1 : offsets.get(offsets.size() - 1);
    }
  }

  /** The fences in a map; like {@link FenceStore}, an advance never moves one backwards. */
  private static final class InMemoryFences implements Fences {
    private final Map<List<String>, Hlc> fences = new ConcurrentHashMap<>();

    @Override
    public Map<Key, Hlc> load(
        String topic, Collection<String> subprocessors, Collection<String> rowKeys) {
      Map<Key, Hlc> out = new java.util.HashMap<>();
      for (String s : subprocessors)
        for (String k : rowKeys) {
          Hlc h = fences.get(List.of(topic, s, k));
          if (h != null) out.put(new Key(s, k), h);
        }
      return out;
    }

    @Override
    public void advance(String topic, String subprocessor, Map<String, Hlc> highest) {
      highest.forEach((k, h) -> fences.merge(List.of(topic, subprocessor, k), h, Dispatcher::max));
    }
  }
}
