package io.stockflow.changefeed.consumer;

import static io.stockflow.changefeed.consumer.Envelopes.at;
import static io.stockflow.changefeed.consumer.Envelopes.change;
import static io.stockflow.changefeed.consumer.Envelopes.key;
import static io.stockflow.changefeed.consumer.Envelopes.keyString;
import static io.stockflow.changefeed.consumer.Envelopes.resolved;
import static io.stockflow.changefeed.consumer.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;
import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.awaitility.core.ConditionFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The framework against the real embedded Kafka broker and PostgreSQL. */
class ChangefeedProcessorIT {
  @RegisterExtension static final ChangefeedStack stack = new ChangefeedStack();

  private final List<ChangefeedProcessor> processors = new ArrayList<>();
  private SimpleMeterRegistry registry = new SimpleMeterRegistry();

  @AfterEach
  void closeProcessors() {
    processors.forEach(ChangefeedProcessor::close);
  }

  private static ConditionFactory eventually() {
    return await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(50));
  }

  private ChangefeedProcessor start(String topic, String group, RecordingSubprocessor... subs) {
    return start(topic, group, b -> {}, subs);
  }

  private ChangefeedProcessor start(
      String topic,
      String group,
      java.util.function.Consumer<ChangefeedConfig.Builder> customize,
      RecordingSubprocessor... subs) {
    ChangefeedConfig.Builder builder =
        ChangefeedConfig.builder()
            .bootstrapServers(stack.bootstrap())
            .groupId(group)
            .topic(topic, List.of(subs))
            .retry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40)))
            .pollTimeout(Duration.ofMillis(200))
            .controlRefreshInterval(Duration.ofMillis(200));
    customize.accept(builder);
    ChangefeedConfig config = builder.build();
    ChangefeedProcessor p = new ChangefeedProcessor(config, stack.dataSource(), registry);
    processors.add(p);
    p.start();
    return p;
  }

  private double count(String metric, String topic, String subprocessor) {
    var counter =
        registry.find(metric).tag("topic", topic).tag("subprocessor", subprocessor).counter();
    return counter == null ? 0 : counter.count();
  }

  /** The committed offsets of the processor's group, summed over the partitions. */
  private static long committedTotal(ChangefeedProcessor p) throws Exception {
    return stack.committed(p.config().groupId()).values().stream().mapToLong(o -> o.offset()).sum();
  }

  private static String unique(String name) {
    return name + "-" + UUID.randomUUID().toString().substring(0, 6);
  }

  @Test
  void duplicatesAndStaleReEmitsAreSkippedAfterARestartBecauseTheFenceIsDurable() throws Exception {
    String topic = stack.newTopic("fence", 2);
    String group = unique("g");
    String k = key("JERKY", "SEA1");
    stack.send(topic, 0, k, change(row("JERKY", "SEA1", 1, "", at(1)), "null", at(1)));
    stack.send(
        topic,
        0,
        k,
        change(row("JERKY", "SEA1", 2, "", at(2)), row("JERKY", "SEA1", 1, "", at(1)), at(2)));

    RecordingSubprocessor first = new RecordingSubprocessor("audit");
    ChangefeedProcessor p1 = start(topic, group, first);
    eventually().until(() -> first.seen.size() == 2);
    p1.close();

    // After the restart the feed re-emits the newest version, then an older one, then a new one.
    stack.send(
        topic,
        0,
        k,
        change(row("JERKY", "SEA1", 2, "", at(2)), row("JERKY", "SEA1", 1, "", at(1)), at(2)));
    stack.send(topic, 0, k, change(row("JERKY", "SEA1", 1, "", at(1)), "null", at(1)));
    stack.send(
        topic,
        0,
        k,
        change(row("JERKY", "SEA1", 3, "", at(3)), row("JERKY", "SEA1", 2, "", at(2)), at(3)));
    RecordingSubprocessor second = new RecordingSubprocessor("audit");
    registry = new SimpleMeterRegistry();
    start(topic, group, second);
    eventually().until(() -> second.seen.size() == 1);
    eventually().until(() -> count(ChangefeedMeters.SKIPPED_STALE, topic, "audit") == 2);
    assertThat(second.quantities()).containsExactly(3L);

    // A brand-new group re-reads everything from the beginning: the fence, not the offsets, stops
    // it.
    FenceStore fences = new FenceStore(new Transactions(Database.dsl(stack.dataSource())));
    eventually().until(() -> at(3).equals(fences.get(topic, "audit", keyString("JERKY", "SEA1"))));
    RecordingSubprocessor third = new RecordingSubprocessor("audit");
    registry = new SimpleMeterRegistry();
    start(topic, unique("fresh-group"), third);
    eventually().until(() -> count(ChangefeedMeters.SKIPPED_STALE, topic, "audit") == 5);
    assertThat(third.seen).isEmpty();
  }

  @Test
  void aPoisonMessageLandsInTheDeadLetterTopicWithHeadersAndThePartitionMovesOn() throws Exception {
    String topic = stack.newTopic("poison", 1);
    String garbage = "{\"after\": {\"sku\": \"JERKY\", \"qty\": 4";
    stack.send(topic, 0, key("JERKY", "SEA1"), garbage);
    stack.send(
        topic, 0, key("JERKY", "SEA1"), change(row("JERKY", "SEA1", 7, "", at(1)), "null", at(1)));

    RecordingSubprocessor audit = new RecordingSubprocessor("audit");
    ChangefeedProcessor p = start(topic, unique("g"), audit);
    eventually().until(() -> audit.seen.size() == 1);
    assertThat(audit.quantities()).containsExactly(7L);

    ConsumerRecord<byte[], byte[]> dead = stack.readAll(topic + ".dlq", 1).get(0);
    assertThat(new String(dead.key(), StandardCharsets.UTF_8)).isEqualTo(key("JERKY", "SEA1"));
    assertThat(new String(dead.value(), StandardCharsets.UTF_8)).isEqualTo(garbage);
    assertThat(header(dead, DeadLetterHeaders.SOURCE_TOPIC)).isEqualTo(topic);
    assertThat(header(dead, DeadLetterHeaders.SOURCE_PARTITION)).isEqualTo("0");
    assertThat(header(dead, DeadLetterHeaders.SOURCE_OFFSET)).isEqualTo("0");
    assertThat(header(dead, DeadLetterHeaders.SUBPROCESSOR)).isEmpty();
    assertThat(header(dead, DeadLetterHeaders.ERROR_CLASS))
        .isEqualTo(UndecodableMessageException.class.getName());
    assertThat(header(dead, DeadLetterHeaders.ERROR_MESSAGE)).startsWith("value is not JSON");
    assertThat(header(dead, DeadLetterHeaders.ATTEMPTS)).isEqualTo("1");
    assertThat(header(dead, DeadLetterHeaders.FIRST_FAILURE)).isNotBlank();
    assertThat(header(dead, DeadLetterHeaders.LAST_FAILURE)).isNotBlank();

    List<DeadLetter> letters =
        p.deadLetters().list(new DeadLetters.Query(topic, null, DeadLetterStatus.PENDING, 10));
    assertThat(letters).hasSize(1);
    assertThat(letters.get(0).id().toString()).isEqualTo(header(dead, DeadLetterHeaders.ID));
    assertThat(letters.get(0).deadLetterTopic()).isEqualTo(topic + ".dlq");
    // The offset moved past both messages.
    eventually()
        .until(
            () ->
                stack.committed(p.config().groupId()).get(new TopicPartition(topic, 0)) != null
                    && stack
                            .committed(p.config().groupId())
                            .get(new TopicPartition(topic, 0))
                            .offset()
                        == 2);
    // Re-driving an undecodable message fails again and says why; an operator can dismiss it.
    assertThat(p.deadLetters().redrive(letters.get(0).id()).succeeded()).isFalse();
    assertThat(p.deadLetters().resolve(letters.get(0).id())).isTrue();
    assertThat(p.deadLetters().get(letters.get(0).id()).orElseThrow().status())
        .isEqualTo(DeadLetterStatus.RESOLVED);
  }

  @Test
  void aFailingSubprocessorDeadLettersWhileTheOtherKeepsGoingAndRedriveCompletesIt()
      throws Exception {
    String topic = stack.newTopic("isolation", 2);
    RecordingSubprocessor healthy = new RecordingSubprocessor(unique("healthy"));
    RecordingSubprocessor broken = new RecordingSubprocessor(unique("broken"));
    broken.failing.set(true);
    ChangefeedProcessor p = start(topic, unique("g"), healthy, broken);

    String k1 = key("A", "SEA1");
    String k2 = key("B", "SEA1");
    stack.send(topic, 0, k1, change(row("A", "SEA1", 1, "", at(1)), "null", at(1)));
    stack.send(topic, 1, k2, change(row("B", "SEA1", 2, "", at(2)), "null", at(2)));
    eventually().until(() -> healthy.seen.size() == 2);
    eventually()
        .until(
            () ->
                p.deadLetters()
                        .list(
                            new DeadLetters.Query(
                                topic, broken.name(), DeadLetterStatus.PENDING, 10))
                        .size()
                    == 2);
    assertThat(count(ChangefeedMeters.RETRIED, topic, broken.name())).isEqualTo(4);
    assertThat(broken.calls.get()).isEqualTo(6);
    List<ConsumerRecord<byte[], byte[]>> dlq = stack.readAll(topic + ".dlq", 2);
    assertThat(dlq)
        .allSatisfy(
            r -> {
              assertThat(header(r, DeadLetterHeaders.SUBPROCESSOR)).isEqualTo(broken.name());
              assertThat(header(r, DeadLetterHeaders.ATTEMPTS)).isEqualTo("3");
              assertThat(header(r, DeadLetterHeaders.ERROR_CLASS))
                  .isEqualTo(IllegalStateException.class.getName());
              assertThat(header(r, DeadLetterHeaders.ERROR_MESSAGE)).contains("is down");
            });

    DeadLetter forK1 =
        p.deadLetters().list(new DeadLetters.Query(topic, broken.name(), null, 10)).stream()
            .filter(l -> l.messageKey().equals(k1))
            .findFirst()
            .orElseThrow();
    // Still broken: the re-drive fails and records a new failure on the same letter.
    assertThat(p.deadLetters().redrive(forK1.id()).succeeded()).isFalse();
    DeadLetter again = p.deadLetters().get(forK1.id()).orElseThrow();
    assertThat(again.attempts()).isEqualTo(6);
    assertThat(again.status()).isEqualTo(DeadLetterStatus.PENDING);
    assertThat(again.lastFailureAt()).isAfter(forK1.lastFailureAt());

    // The fault is fixed; a newer change of k1 is handled, moving the fence past the dead letter.
    broken.failing.set(false);
    stack.send(
        topic,
        0,
        k1,
        change(row("A", "SEA1", 3, "", at(3)), row("A", "SEA1", 1, "", at(1)), at(3)));
    eventually().until(() -> broken.seen.size() == 1);

    for (DeadLetter l :
        p.deadLetters()
            .list(new DeadLetters.Query(topic, broken.name(), DeadLetterStatus.PENDING, 10)))
      assertThat(p.deadLetters().redrive(l.id()).succeeded()).isTrue();
    // Re-drive bypasses the fence for the failed subprocessor: the old change is not lost.
    assertThat(broken.quantities()).containsExactlyInAnyOrder(3L, 1L, 2L);
    assertThat(
            p.deadLetters()
                .list(new DeadLetters.Query(topic, broken.name(), DeadLetterStatus.REDRIVEN, 10)))
        .hasSize(2);
    assertThatThrownBy(() -> p.deadLetters().redrive(forK1.id()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("redriven");
    assertThat(healthy.quantities()).containsExactlyInAnyOrder(1L, 2L, 3L);
  }

  @Test
  void touchingOnlyLastUpdatedReDrivesEverySubscribedSubprocessor() throws Exception {
    String topic = stack.newTopic("replay", 1);
    RecordingSubprocessor qty = new RecordingSubprocessor("on-qty").filter(e -> e.changed("qty"));
    RecordingSubprocessor other =
        new RecordingSubprocessor("on-qty-too").filter(e -> e.changed("qty"));
    start(topic, unique("g"), qty, other);

    String k = key("A", "SEA1");
    stack.send(topic, 0, k, change(row("A", "SEA1", 5, "", at(1)), "null", at(1)));
    // An ordinary update that concerns neither: the filters reject it.
    stack.send(
        topic,
        0,
        k,
        change(row("A", "SEA1", 5, "x", at(2)), row("A", "SEA1", 5, "", at(1)), at(2)));
    // The replay request.
    stack.send(
        topic,
        0,
        k,
        change(row("A", "SEA1", 5, "x", at(3)), row("A", "SEA1", 5, "x", at(2)), at(3)));
    eventually().until(() -> qty.seen.size() == 2 && other.seen.size() == 2);
    for (RecordingSubprocessor s : List.of(qty, other)) {
      assertThat(s.seen.get(0).replay()).isFalse();
      assertThat(s.seen.get(1).replay()).isTrue();
      assertThat(s.seen.get(1).updated()).isEqualTo(at(3));
    }
  }

  /**
   * What a CockroachDB feed with {@code schema_change_policy=backfill} and {@code diff} sends for a
   * row across {@code ADD COLUMN … DEFAULT} and {@code DROP COLUMN}: the row again at each schema
   * change's timestamp, after in the new shape, before in the old, data and {@code last_updated}
   * unchanged (see {@link ReplayRule}).
   */
  @Test
  void aSchemaChangeBackfillReachesOnlySubprocessorsThatOptInAndItsOffsetsAreCommitted()
      throws Exception {
    String topic = stack.newTopic("backfill", 1);
    RecordingSubprocessor reaction = new RecordingSubprocessor("reaction");
    RecordingSubprocessor mirror = new RecordingSubprocessor("mirror").receivingBackfill();
    ChangefeedProcessor p = start(topic, unique("g"), reaction, mirror);

    String k = key("A", "SEA1");
    Map<String, Object> inserted = Envelopes.columns("A", "SEA1", 5, "", at(1));
    stack.send(topic, 0, k, change(row(inserted), "null", at(1)));
    // ALTER TABLE … ADD COLUMN shelf_life_days INT8 DEFAULT 180
    Map<String, Object> added = new java.util.HashMap<>(inserted);
    added.put("shelf_life_days", 180);
    stack.send(topic, 0, k, change(row(added), row(inserted), at(2)));
    // ALTER TABLE … DROP COLUMN note
    Map<String, Object> dropped = new java.util.HashMap<>(added);
    dropped.remove("note");
    stack.send(topic, 0, k, change(row(dropped), row(added), at(3)));
    // An ordinary update in the new shape.
    Map<String, Object> updated = new java.util.HashMap<>(dropped);
    updated.put("qty", 6);
    updated.put("last_updated", at(4).toInstant());
    stack.send(topic, 0, k, change(row(updated), row(dropped), at(4)));

    eventually().until(() -> mirror.seen.size() == 4);
    // Every offset completes, the skipped backfills' too: both lanes are done.
    eventually().until(() -> committedTotal(p) == 4);
    assertThat(reaction.seen.stream().map(ChangeEvent::operation))
        .containsExactly(Operation.INSERT, Operation.UPDATE);
    assertThat(reaction.seen.stream().map(ChangeEvent::updated)).containsExactly(at(1), at(4));
    assertThat(reaction.seen).noneMatch(ChangeEvent::replay);
    assertThat(count(ChangefeedMeters.SKIPPED_BACKFILL, topic, "reaction")).isEqualTo(2);
    assertThat(mirror.seen.stream().map(ChangeEvent::operation))
        .containsExactly(
            Operation.INSERT, Operation.BACKFILL, Operation.BACKFILL, Operation.UPDATE);
    assertThat(mirror.seen.get(1).afterRow().orElseThrow().longValue("shelf_life_days"))
        .isEqualTo(180);
    assertThat(count(ChangefeedMeters.SKIPPED_BACKFILL, topic, "mirror")).isZero();
  }

  @Test
  void coalescingTurnsManyChangesToOneWorkflowIntoFewCallsAndTheNewestWins() throws Exception {
    String topic = stack.newTopic("coalesce", 1);
    int n = 300;
    for (int i = 1; i <= n; i++) {
      String loc = i % 2 == 0 ? "SEA1" : "PDX1";
      stack.send(
          topic,
          0,
          key("A", loc),
          change(row("A", loc, i, "", at(i)), row("A", loc, i - 1, "", at(i - 1)), at(i)));
    }
    RecordingSubprocessor sync =
        new RecordingSubprocessor("channel-sync").coalesceBy(e -> e.keyPart(0));
    start(topic, unique("g"), sync);
    // Fences are advanced last in a batch: once both rows are at their newest change, all is done.
    // Every absorbed change counts as handled, so PDX1's fence moved although it was never called.
    FenceStore fences = new FenceStore(new Transactions(Database.dsl(stack.dataSource())));
    eventually()
        .until(
            () ->
                at(n).equals(fences.get(topic, "channel-sync", keyString("A", "SEA1")))
                    && at(n - 1).equals(fences.get(topic, "channel-sync", keyString("A", "PDX1"))));
    assertThat(
            count(ChangefeedMeters.PROCESSED, topic, "channel-sync")
                + count(ChangefeedMeters.COALESCED, topic, "channel-sync"))
        .isEqualTo(n);
    assertThat(sync.calls.get()).isLessThanOrEqualTo(n / 20);
    assertThat(sync.quantities()).last().isEqualTo((long) n);
    assertThat(
            registry
                .find(ChangefeedMeters.LATENCY)
                .tag("topic", topic)
                .tag("subprocessor", "channel-sync")
                .timer()
                .count())
        .isEqualTo(sync.calls.get());
    assertThat(registry.find(ChangefeedMeters.CONSUMER_LAG).tag("topic", topic).gauge())
        .isNotNull();
  }

  @Test
  void aPausedSubprocessorLosesNothingAndCatchesUpInOrderOnResume() throws Exception {
    String topic = stack.newTopic("pause", 1);
    RecordingSubprocessor running = new RecordingSubprocessor(unique("running"));
    RecordingSubprocessor paused = new RecordingSubprocessor(unique("paused"));
    // Paused before the consumer starts, so no change can slip through before it sees the switch.
    new SubprocessorControl(
            new Transactions(Database.dsl(stack.dataSource())), Set.of(paused.name()))
        .pause(paused.name());
    ChangefeedProcessor p = start(topic, unique("g"), running, paused);
    assertThat(p.status().subprocessor(paused.name()).paused()).isTrue();

    for (int i = 1; i <= 5; i++)
      stack.send(
          topic, 0, key("A", "L" + i), change(row("A", "L" + i, i, "", at(i)), "null", at(i)));
    eventually().until(() -> running.seen.size() == 5);
    eventually()
        .until(
            () ->
                p.deadLetters()
                        .list(
                            new DeadLetters.Query(
                                topic, paused.name(), DeadLetterStatus.PENDING, 10))
                        .size()
                    == 5);
    assertThat(paused.seen).isEmpty();
    assertThat(p.deadLetters().list(new DeadLetters.Query(topic, paused.name(), null, 10)))
        .allMatch(DeadLetter::parked);
    // The partition was not blocked: its offset moved past the parked changes.
    eventually()
        .until(
            () -> {
              var c = stack.committed(p.config().groupId()).get(new TopicPartition(topic, 0));
              return c != null && c.offset() == 5;
            });

    p.control().resume(paused.name());
    stack.send(topic, 0, key("A", "L6"), change(row("A", "L6", 6, "", at(6)), "null", at(6)));
    eventually().until(() -> paused.seen.size() == 6);
    assertThat(paused.quantities()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
    // L6 may itself have been parked (sent before this consumer saw the resume) and re-driven by
    // the sweep, which marks its letter only after the subprocessor returned: wait for the mark.
    eventually()
        .until(
            () ->
                p.deadLetters()
                    .list(new DeadLetters.Query(topic, paused.name(), DeadLetterStatus.PENDING, 10))
                    .isEmpty());
    assertThat(running.seen).hasSize(6);
  }

  @Test
  void aReDriveDoesNotOverwriteAResolveThatCameInMeanwhile() throws Exception {
    String topic = stack.newTopic("redrive_race", 1);
    RecordingSubprocessor flaky = new RecordingSubprocessor("flaky");
    flaky.failing.set(true);
    ChangefeedProcessor p = start(topic, unique("g"), flaky);
    stack.send(topic, 0, key("R", "L"), change(row("R", "L", 1, "", at(1)), "null", at(1)));
    DeadLetter letter =
        eventually()
            .until(
                () -> p.deadLetters().list(new DeadLetters.Query(topic, "flaky", null, 10)),
                l -> !l.isEmpty())
            .get(0);

    // While the re-drive runs the subprocessor, an operator resolves the same letter.
    flaky.failing.set(false);
    flaky.during = e -> p.deadLetters().resolve(letter.id());
    assertThat(p.deadLetters().redrive(letter.id()).succeeded()).isTrue();
    assertThat(p.deadLetters().get(letter.id()).orElseThrow().status())
        .isEqualTo(DeadLetterStatus.RESOLVED);
  }

  @Test
  void resolvedMessagesAdvanceTheWatermarkAndAnAwaitResolvedSubprocessorActsOnlyAfterIt()
      throws Exception {
    String topic = stack.newTopic("watermark", 2);
    RecordingSubprocessor eager = new RecordingSubprocessor("eager");
    RecordingSubprocessor totals = new RecordingSubprocessor("sku-total").awaitingResolved();
    ChangefeedProcessor p = start(topic, unique("g"), eager, totals);
    String group = p.config().groupId();

    stack.send(
        topic, 0, key("A", "SEA1"), change(row("A", "SEA1", 1, "", at(100)), "null", at(100)));
    eventually().until(() -> eager.seen.size() == 1);
    assertThat(p.status().topic(topic).watermark()).isNull();

    stack.send(topic, 0, null, resolved(at(150)));
    eventually().until(() -> at(150).equals(p.status().topic(topic).resolved().get(0)));
    // Partition 1 has not resolved anything yet, so the watermark is unknown and the change waits,
    // and the committed offset of partition 0 stays on it.
    assertThat(p.status().topic(topic).watermark()).isNull();
    // Each subprocessor has its own lane: the waiting one holds the change once its lane got to it.
    eventually().until(() -> p.status().topic(topic).deferred() == 1);
    assertThat(totals.seen).isEmpty();
    var committed = stack.committed(group).get(new TopicPartition(topic, 0));
    assertThat(committed == null || committed.offset() == 0).isTrue();

    stack.send(topic, 1, null, resolved(at(90)));
    eventually().until(() -> at(90).equals(p.status().topic(topic).watermark()));
    assertThat(totals.seen).isEmpty();

    stack.send(topic, 1, null, resolved(at(200)));
    eventually().until(() -> totals.seen.size() == 1);
    Hlc watermark = p.status().topic(topic).watermark();
    assertThat(watermark).isEqualTo(at(150));
    assertThat(p.status().topic(topic).watermarkLagSeconds()).isBetween(0.0, 3600.0);
    assertThat(registry.find(ChangefeedMeters.WATERMARK_LAG).tag("topic", topic).gauge().value())
        .isGreaterThan(0);
    eventually()
        .until(
            () -> {
              var c = stack.committed(group).get(new TopicPartition(topic, 0));
              return c != null && c.offset() == 2;
            });
    ChangeEvent seen = totals.seen.get(0);
    assertThat(seen.updated()).isEqualTo(at(100));
  }

  @Test
  void theConsumedMarkIsStoredOnlyOnceTheCommitPassesTheResolvedMessage() throws Exception {
    String topic = stack.newTopic("consumed", 2);
    CountDownLatch open = new CountDownLatch(1);
    RecordingSubprocessor stuck = new RecordingSubprocessor("stuck").gate(open);
    // Marks stored every 500 ms instead of every 5 s: the same rule, ten times sooner.
    Duration markInterval = Duration.ofMillis(500);
    ChangefeedProcessor p =
        start(topic, unique("g"), b -> b.consumedMarkInterval(markInterval), stuck);
    String group = p.config().groupId();
    Transactions tx = new Transactions(Database.dsl(stack.dataSource()));
    Map<String, Integer> partitions = Map.of(topic, 2);

    // Partition 1 resolves 120: once committed past it, its mark is stored; partition 0 has none.
    stack.send(topic, 1, null, resolved(at(120)));
    eventually().until(() -> storedMarks(tx, group, topic).containsKey(1L));
    assertThat(storedMarks(tx, group, topic)).isEqualTo(Map.of(1L, at(120)));
    assertThat(ConsumedMarks.feedMark(tx, group, partitions)).isEmpty();
    try {
      // Partition 0: a change the subprocessor is stuck on, then resolved 150. The consumer reads
      // the resolved message, but the commit stays before the change, so no mark is stored (for
      // four intervals between stores).
      stack.send(
          topic, 0, key("A", "SEA1"), change(row("A", "SEA1", 1, "", at(100)), "null", at(100)));
      stack.send(topic, 0, null, resolved(at(150)));
      eventually().until(() -> at(150).equals(p.status().topic(topic).resolved().get(0)));
      await()
          .during(markInterval.multipliedBy(4))
          .atMost(Duration.ofSeconds(30))
          .until(() -> !storedMarks(tx, group, topic).containsKey(0L));
    } finally {
      open.countDown();
    }
    eventually().until(() -> storedMarks(tx, group, topic).containsKey(0L));
    assertThat(ConsumedMarks.feedMark(tx, group, partitions)).contains(at(120));
    // A watched topic the group does not consume (no mark at all) does not hold the mark back.
    assertThat(ConsumedMarks.feedMark(tx, group, Map.of(topic, 2, "not-consumed", 3)))
        .contains(at(120));
    assertThat(ConsumedMarks.feedMark(tx, "another-group", partitions)).isEmpty();

    stack.send(topic, 1, null, resolved(at(300)));
    eventually().until(() -> at(300).equals(storedMarks(tx, group, topic).get(1L)));
    assertThat(ConsumedMarks.feedMark(tx, group, partitions)).contains(at(150));
    // An older resolved never moves a stored mark back.
    stack.send(topic, 1, null, resolved(at(200)));
    stack.send(
        topic, 1, key("B", "SEA1"), change(row("B", "SEA1", 1, "", at(310)), "null", at(310)));
    eventually().until(() -> stuck.seen.size() == 2);
    p.close();
    assertThat(storedMarks(tx, group, topic)).isEqualTo(Map.of(0L, at(150), 1L, at(300)));
  }

  private static Map<Long, Hlc> storedMarks(Transactions tx, String group, String topic) {
    Map<Long, Hlc> marks = new java.util.TreeMap<>();
    tx.dsl()
        .fetch(
            "SELECT partition_id, hlc_wall, hlc_logical FROM changefeed_consumed"
                + " WHERE group_id = ? AND topic = ?",
            group,
            topic)
        .forEach(
            r ->
                marks.put(
                    r.get(0, Long.class), new Hlc(r.get(1, Long.class), r.get(2, Long.class))));
    return marks;
  }

  @Test
  void instancesShareTheTopicAndRebalancesLoseNothing() throws Exception {
    String topic = stack.newTopic("rebalance", 2);
    String group = unique("g");
    // One bean shared by both instances, as two pods would each have one: it records the union.
    RecordingSubprocessor audit = new RecordingSubprocessor("audit");
    List<String> expected = new ArrayList<>();
    int next = 1;
    ChangefeedProcessor first = start(topic, group, audit);
    next = sendRound(topic, next, expected);

    ChangefeedProcessor second = start(topic, group, audit);
    eventually()
        .until(
            () ->
                second.status().topic(topic).assignedPartitions().size() == 1
                    && first.status().topic(topic).assignedPartitions().size() == 1);
    next = sendRound(topic, next, expected);

    first.close();
    assertThat(first.status().topic(topic).consuming()).isFalse();
    assertThat(second.status().topic(topic).consuming()).isTrue();
    eventually().until(() -> second.status().topic(topic).assignedPartitions().size() == 2);
    sendRound(topic, next, expected);

    eventually()
        .until(
            () ->
                audit.seen.stream()
                    .map(e -> e.keyString() + "@" + e.updated())
                    .collect(java.util.stream.Collectors.toSet())
                    .containsAll(expected));
    eventually()
        .until(
            () -> {
              var c = stack.committed(group);
              var p0 = c.get(new TopicPartition(topic, 0));
              var p1 = c.get(new TopicPartition(topic, 1));
              return p0 != null && p1 != null && p0.offset() + p1.offset() == expected.size();
            });
    eventually().until(() -> second.status().topic(topic).consumerLag() == 0);
  }

  @Test
  void perKeyOrderHoldsWhileDifferentKeysAreProcessedConcurrently() throws Exception {
    int partitions = 3;
    int keys = 12;
    int perKey = 40;
    String topic = stack.newTopic("per-key", partitions);
    // Written before the consumer starts, so batches hold many keys at once.
    List<String> expected = new ArrayList<>();
    for (int i = 1; i <= keys * perKey; i++) {
      int k = i % keys;
      String sku = "SKU-" + k;
      long qty = (i - 1) / keys + 1;
      String before = qty == 1 ? "null" : row(sku, "SEA1", qty - 1, "", at(i - 1));
      stack.send(
          topic,
          k % partitions,
          key(sku, "SEA1"),
          change(row(sku, "SEA1", qty, "", at(i)), before, at(i)));
      expected.add(keyString(sku, "SEA1") + "@" + at(i));
    }
    RecordingSubprocessor parallel = new RecordingSubprocessor(unique("parallel")).slow(3);
    RecordingSubprocessor sequential = new RecordingSubprocessor(unique("sequential")).slow(1);
    ChangefeedProcessor p =
        start(
            topic,
            unique("g"),
            b -> b.subprocessorConcurrency(4).subprocessorConcurrency(sequential.name(), 1),
            parallel,
            sequential);
    eventually()
        .until(
            () ->
                parallel.seen.size() >= expected.size()
                    && sequential.seen.size() >= expected.size());

    for (RecordingSubprocessor s : List.of(parallel, sequential)) {
      // Each change exactly once (no batch was rewound), each key's changes in `updated` order.
      assertThat(s.seen.stream().map(e -> e.keyString() + "@" + e.updated()).toList())
          .containsExactlyInAnyOrderElementsOf(expected);
      for (int k = 0; k < keys; k++) {
        List<ChangeEvent> ofKey = s.seenOf(keyString("SKU-" + k, "SEA1"));
        assertThat(ofKey).hasSize(perKey);
        assertThat(ofKey.stream().map(ChangeEvent::updated).toList())
            .as("order of key SKU-%d for %s", k, s.name())
            .isSortedAccordingTo(Hlc::compareTo)
            .doesNotHaveDuplicates();
        assertThat(ofKey.stream().map(e -> e.after().get("qty").asLong()).toList())
            .isEqualTo(java.util.stream.LongStream.rangeClosed(1, perKey).boxed().toList());
      }
    }
    // Concurrency was really used, and bounded by the setting, on the subprocessor's own threads.
    assertThat(parallel.maxInFlight.get()).isGreaterThan(1).isLessThanOrEqualTo(4);
    String prefix = "changefeed-" + topic + "-" + parallel.name() + "-";
    assertThat(parallel.threads).allMatch(t -> t.startsWith(prefix));
    // Concurrency 1 is the old way: one thread, each partition in offset order.
    assertThat(sequential.maxInFlight.get()).isEqualTo(1);
    assertThat(sequential.threads).containsExactly("changefeed-" + topic + "-" + sequential.name());
    for (int part = 0; part < partitions; part++) {
      int partition = part;
      assertThat(
              sequential.seen.stream()
                  .filter(e -> e.partition() == partition)
                  .map(ChangeEvent::offset)
                  .toList())
          .isSorted()
          .doesNotHaveDuplicates();
    }

    FenceStore fences = new FenceStore(new Transactions(Database.dsl(stack.dataSource())));
    for (int k = 0; k < keys; k++)
      assertThat(fences.get(topic, parallel.name(), keyString("SKU-" + k, "SEA1")))
          .isEqualTo(at(keys * (perKey - 1) + (k == 0 ? keys : k)));
    assertThat(count(ChangefeedMeters.PROCESSED, topic, parallel.name()))
        .isEqualTo(expected.size());
    eventually().until(() -> committedTotal(p) == expected.size());

    // Closing the processor ends the per-key threads.
    p.close();
    eventually()
        .until(
            () ->
                Thread.getAllStackTraces().keySet().stream()
                    .noneMatch(t -> t.isAlive() && t.getName().startsWith(prefix)));
  }

  @Test
  void aFailingKeyIsDeadLetteredWithoutHoldingUpOtherKeysAndItsLaterChangesStillFollowInOrder()
      throws Exception {
    String topic = stack.newTopic("failing-key", 2);
    int keys = 6;
    int perKey = 10;
    for (int i = 1; i <= keys * perKey; i++) {
      int k = i % keys;
      long qty = (i - 1) / keys + 1;
      stack.send(
          topic,
          k % 2,
          key("K" + k, "SEA1"),
          change(row("K" + k, "SEA1", qty, "", at(i)), "null", at(i)));
    }
    // Partition 0 holds K2 (first at offset 0), K4 and K0 (first at offset 2): K0's changes all
    // come after K2's first ones, in the partition and in the order of the groups.
    String poisoned = keyString("K2", "SEA1");
    String neighbour = keyString("K0", "SEA1");
    java.util.concurrent.CountDownLatch neighbourDone = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.atomic.AtomicBoolean overtaken =
        new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean waited =
        new java.util.concurrent.atomic.AtomicBoolean();
    RecordingSubprocessor s = new RecordingSubprocessor(unique("per-key-failure")).slow(2);
    s.failWhen(
        e -> {
          if (e.keyString().equals(neighbour) && e.after().get("qty").asLong() == perKey)
            neighbourDone.countDown(); // about to handle the neighbour's last change
          if (!e.keyString().equals(poisoned) || e.after().get("qty").asLong() != 3) return false;
          // While the poisoned change is being retried, a change of another key that comes after
          // it in the partition gets handled: the failing key holds up only itself.
          if (waited.compareAndSet(false, true)) {
            try {
              overtaken.set(neighbourDone.await(60, java.util.concurrent.TimeUnit.SECONDS));
            } catch (InterruptedException ex) {
              Thread.currentThread().interrupt();
            }
          }
          return true;
        });
    ChangefeedProcessor p = start(topic, unique("g"), b -> b.subprocessorConcurrency(4), s);

    eventually().until(() -> s.seen.size() == keys * perKey - 1);
    eventually()
        .until(
            () ->
                p.deadLetters()
                        .list(new DeadLetters.Query(topic, s.name(), DeadLetterStatus.PENDING, 10))
                        .size()
                    == 1);
    assertThat(overtaken).as("another key was handled while the failing one retried").isTrue();
    DeadLetter letter =
        p.deadLetters()
            .list(new DeadLetters.Query(topic, s.name(), DeadLetterStatus.PENDING, 10))
            .get(0);
    assertThat(letter.messageKey()).isEqualTo(key("K2", "SEA1")); // the wire form
    assertThat(letter.attempts()).isEqualTo(3);
    // As before concurrency: the key's later changes are processed after the dead-lettered one,
    // in order; the dead letter records the one that is missing and can be re-driven.
    assertThat(s.seenOf(poisoned).stream().map(e -> e.after().get("qty").asLong()).toList())
        .containsExactly(1L, 2L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    for (int k = 0; k < keys; k++) {
      if (k == 2) continue;
      assertThat(
              s.seenOf(keyString("K" + k, "SEA1")).stream().map(e -> e.after().get("qty").asLong()))
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L);
    }
    assertThat(count(ChangefeedMeters.RETRIED, topic, s.name())).isEqualTo(2);
    FenceStore fences = new FenceStore(new Transactions(Database.dsl(stack.dataSource())));
    // K2's newest change is the 56th: the fence is past it (and past the dead-lettered one).
    eventually()
        .until(() -> at(keys * (perKey - 1) + 2).equals(fences.get(topic, s.name(), poisoned)));
    eventually().until(() -> committedTotal(p) == keys * perKey);

    assertThat(p.deadLetters().redrive(letter.id()).succeeded()).isFalse(); // still poisoned
    s.failWhen(e -> false);
    assertThat(p.deadLetters().redrive(letter.id()).succeeded()).isTrue();
    assertThat(s.seenOf(poisoned)).hasSize(perKey);
  }

  /** Sends 20 inserts over both partitions; returns the next sequence number. */
  private static int sendRound(String topic, int from, List<String> expected) throws Exception {
    for (int i = from; i < from + 20; i++) {
      stack.send(
          topic, i % 2, key("S" + i, "L"), change(row("S" + i, "L", i, "", at(i)), "null", at(i)));
      expected.add(keyString("S" + i, "L") + "@" + at(i));
    }
    return from + 20;
  }

  private static String header(ConsumerRecord<byte[], byte[]> r, String name) {
    Header h = r.headers().lastHeader(name);
    assertThat(h).as("header " + name).isNotNull();
    return new String(h.value(), StandardCharsets.UTF_8);
  }
}
