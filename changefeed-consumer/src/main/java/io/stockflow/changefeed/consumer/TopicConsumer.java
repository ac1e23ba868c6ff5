package io.stockflow.changefeed.consumer;

import io.micrometer.core.instrument.Gauge;
import io.stockflow.changefeed.Subprocessor;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One Kafka consumer, on its own thread, for one source topic, feeding one independent {@link Lane}
 * per enabled subprocessor: poll → decode → dead-letter the undecodable → record resolved
 * timestamps → queue the changes on every lane → commit, per partition, the lowest offset that
 * every lane has finished (handled, dead-lettered or parked). A slow, failing, paused or cut-off
 * subprocessor delays only its own lane; when a lane holds {@code laneCapacity} records, fetching
 * pauses until every lane is back under half of it (backpressure). On revocation the lanes finish
 * their attempt in flight, skip what they hold of the revoked partitions, and the finished offsets
 * are committed, so a rebalance loses nothing and re-delivers little.
 */
final class TopicConsumer implements Runnable, ConsumerRebalanceListener, Lane.LaneContext {
  private static final Logger log = LoggerFactory.getLogger(TopicConsumer.class);
  private static final Duration FAILURE_PAUSE = Duration.ofSeconds(1);

  /** How often finished offsets are committed while consuming. */
  static final Duration COMMIT_INTERVAL = Duration.ofMillis(100);

  private static final Duration LANE_STOP_WAIT = Duration.ofSeconds(30);

  private final String topic;
  private final ChangefeedConfig config;
  private final Consumer<byte[], byte[]> consumer;
  private final EnvelopeDecoder decoder;
  private final DeadLetterSink deadLetters;
  private final Supplier<Set<String>> pauseSwitches;
  private final Duration commitInterval;
  private final ChangefeedMetrics metrics;
  private final ChangeTracing tracing;
  private final List<Lane> lanes = new ArrayList<>();
  private final List<Thread> laneThreads = new ArrayList<>();
  private final Set<String> names = new LinkedHashSet<>();

  private final Watermark watermark = new Watermark();
  private final ConsumedMarks consumedMarks;
  private final Map<Integer, Long> epochs = new ConcurrentHashMap<>();
  private long lastEpoch;

  /** Per assigned partition: the offset last committed (or the position at assignment). */
  private final Map<TopicPartition, Long> committed = new HashMap<>();

  /** Per assigned partition: the offset after the last record queued on the lanes. */
  private final Map<TopicPartition, Long> queued = new HashMap<>();

  private final AtomicLong lag = new AtomicLong();
  private volatile Set<Integer> assigned = Set.of();
  private volatile Set<String> paused = Set.of();
  private volatile boolean fetchPaused;

  private Instant nextControlRefresh = Instant.MIN;
  private long nextCommitNanos;
  private volatile boolean running = true;
  private volatile boolean consuming;
  private volatile Throwable failure;
  private final List<Gauge> gauges = new ArrayList<>();
  private final Object sleeper = new Object();

  /**
   * @param consumers builds the Kafka consumer from its properties: {@code KafkaConsumer::new} in
   *     production, a {@code MockConsumer} in unit tests
   * @param pauseSwitches the paused subprocessors as stored now ({@link
   *     SubprocessorControl#paused})
   * @param commitInterval how often finished offsets are committed while consuming ({@link
   *     #COMMIT_INTERVAL}); revocation and stop commit regardless
   */
  TopicConsumer(
      String topic,
      ChangefeedConfig config,
      Function<Map<String, Object>, Consumer<byte[], byte[]>> consumers,
      EnvelopeDecoder decoder,
      Fences fences,
      DeadLetterSink deadLetters,
      ParkedLetters parkedLetters,
      SubprocessorInvoker invoker,
      Supplier<Set<String>> pauseSwitches,
      ChangefeedMetrics metrics,
      ConsumedMarks consumedMarks,
      Duration commitInterval) {
    this.topic = topic;
    this.consumedMarks = consumedMarks;
    this.config = config;
    this.decoder = decoder;
    this.deadLetters = deadLetters;
    this.pauseSwitches = pauseSwitches;
    this.metrics = metrics;
    this.commitInterval = commitInterval;
    this.tracing = ChangeTracing.of(config.openTelemetry());
    for (Subprocessor s : config.topics().get(topic)) {
      names.add(s.name());
      Dispatcher d =
          new Dispatcher(
              topic,
              s,
              fences,
              invoker,
              deadLetters,
              metrics,
              tracing,
              config.concurrency(s.name()));
      Lane lane =
          new Lane(
              topic,
              s,
              d,
              fences,
              parkedLetters,
              this,
              config.laneBatchRecords(),
              config.outageBackoff());
      lanes.add(lane);
      laneThreads.add(new Thread(lane, "changefeed-" + topic + "-" + s.name()));
      gauges.add(metrics.gauge(ChangefeedMeters.LANE_QUEUED, topic, s.name(), lane::queuedRecords));
      gauges.add(
          metrics.gauge(
              ChangefeedMeters.LANE_FAILING,
              topic,
              s.name(),
              () -> lane.failingSince() == null ? 0 : 1));
    }
    this.consumer = consumers.apply(consumerProperties(config, topic));
    gauges.add(metrics.gauge(ChangefeedMeters.CONSUMER_LAG, topic, lag::get));
    gauges.add(metrics.gauge(ChangefeedMeters.WATERMARK_LAG, topic, watermark::lagSeconds));
    gauges.add(metrics.gauge(ChangefeedMeters.DEFERRED, topic, this::deferred));
    gauges.add(metrics.gauge(ChangefeedMeters.FETCH_PAUSED, topic, () -> fetchPaused ? 1 : 0));
  }

  private static Map<String, Object> consumerProperties(ChangefeedConfig config, String topic) {
    Map<String, Object> p = new HashMap<>();
    p.putAll(config.consumerProperties());
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, config.groupId());
    p.put(
        ConsumerConfig.CLIENT_ID_CONFIG,
        config.groupId() + "-" + topic + "-" + ProcessHandle.current().pid());
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config.maxPollRecords()));
    p.putIfAbsent(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // A consumer killed without leaving holds its partitions until its session times out; Kafka's
    // 45 s default made a crashed consumer's changes up to 45 s late (docs/faults.md). 15 s still
    // rides out a long GC pause; the poll loop never blocks on the lanes, so heartbeats keep up.
    p.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "15000");
    p.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "3000");
    return p;
  }

  String topic() {
    return topic;
  }

  @Override
  public Watermark watermark() {
    return watermark;
  }

  @Override
  public Set<Integer> assigned() {
    return assigned;
  }

  @Override
  public Long epoch(int partition) {
    return epochs.get(partition);
  }

  @Override
  public boolean paused(String subprocessor) {
    return paused.contains(subprocessor);
  }

  long lag() {
    return lag.get();
  }

  /** Whether a full lane keeps the consumer from fetching now. */
  boolean fetchPaused() {
    return fetchPaused;
  }

  /** Why {@link #run()} ended, or null when it was stopped (or still runs). */
  Throwable failure() {
    return failure;
  }

  /** False before the thread started and after it stopped (closed, or died on an error). */
  boolean consuming() {
    return consuming;
  }

  long deferred() {
    return lanes.stream().mapToLong(Lane::deferredCount).sum();
  }

  List<ChangefeedStatus.LaneStatus> laneStatus() {
    List<ChangefeedStatus.LaneStatus> out = new ArrayList<>();
    for (Lane l : lanes)
      out.add(
          new ChangefeedStatus.LaneStatus(
              l.name(),
              paused(l.name()),
              l.queuedRecords(),
              l.deferredCount(),
              l.lastLatencyMillis(),
              l.failingSince(),
              l.lastFailure()));
    return out;
  }

  @Override
  public void run() {
    MDC.put("topic", topic);
    consuming = true;
    log.info(
        "consumer for topic {} starting in group {} with subprocessors {}",
        topic,
        config.groupId(),
        names);
    laneThreads.forEach(Thread::start);
    try {
      consumer.subscribe(List.of(topic), this);
      while (running) {
        for (Lane l : lanes)
          if (l.died() != null)
            throw new IllegalStateException("lane '" + l.name() + "' died", l.died());
        refreshControl();
        applyBackpressure();
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(config.pollTimeout());
        } catch (WakeupException e) {
          continue; // close() woke us; the loop condition decides
        }
        try {
          enqueue(records);
        } catch (RuntimeException e) {
          log.error(
              "poll of topic {} could not be queued; fetching it again in {} ms",
              topic,
              FAILURE_PAUSE.toMillis(),
              e);
          records.partitions().forEach(tp -> consumer.seek(tp, queued.get(tp)));
          pause(FAILURE_PAUSE);
        }
        if (System.nanoTime() - nextCommitNanos >= 0) {
          nextCommitNanos = System.nanoTime() + commitInterval.toNanos();
          try {
            commit(committable(committed.keySet()));
          } catch (RuntimeException e) {
            log.warn("commit on topic {} failed; retrying with the next one", topic, e);
          }
          consumedMarks.flushIfDue();
        }
        updateLag();
      }
    } catch (RuntimeException | Error e) {
      failure = e;
      log.error("consumer for topic {} stopped on an unexpected error", topic, e);
    } finally {
      stopLanes();
      try {
        commit(committable(committed.keySet()));
      } catch (RuntimeException e) {
        log.warn("final commit on topic {} failed; the batch will be redelivered", topic, e);
      }
      consumedMarks.flush();
      consumer.close(); // leaves the group; the revocation callback commits again (harmless)
      gauges.forEach(metrics::remove);
      consuming = false;
      log.info("consumer for topic {} stopped and left group {}", topic, config.groupId());
      MDC.remove("topic");
    }
  }

  /** Asks the loop to stop after the attempts in flight; returns at once. */
  void stop() {
    running = false;
    lanes.forEach(Lane::stop);
    consumer.wakeup();
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
  }

  private void stopLanes() {
    lanes.forEach(Lane::stop);
    for (Thread t : laneThreads) {
      try {
        t.join(LANE_STOP_WAIT.toMillis());
        if (t.isAlive())
          log.warn("{} still busy {} s after stop", t.getName(), LANE_STOP_WAIT.toSeconds());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /** Decodes a poll, dead-letters what cannot be decoded, and queues the rest on every lane. */
  private void enqueue(ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) return;
    List<Delivery> changes = new ArrayList<>(records.count());
    List<DeadLetterWriter.Letter> undecodable = new ArrayList<>();
    Map<Integer, Lane.End> ends = new HashMap<>();
    for (TopicPartition tp : records.partitions()) {
      Long epoch = epochs.get(tp.partition());
      long next = -1;
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        try {
          DecodedMessage m = decoder.decode(topic, r.partition(), r.offset(), r.key(), r.value());
          if (m instanceof DecodedMessage.Change c)
            changes.add(new Delivery(c.event(), r.key(), r.value(), tracing.received(c.event())));
          else if (m instanceof DecodedMessage.Resolved res) {
            watermark.resolved(r.partition(), res.resolved());
            consumedMarks.resolvedAt(r.partition(), r.offset(), res.resolved());
          }
        } catch (UndecodableMessageException e) {
          Instant now = Instant.now();
          undecodable.add(
              new DeadLetterWriter.Letter(
                  topic,
                  r.partition(),
                  r.offset(),
                  r.key(),
                  r.value(),
                  "",
                  Failure.of(e, 1, now, now)));
        }
        next = r.offset() + 1;
      }
      if (epoch != null && next >= 0) ends.put(tp.partition(), new Lane.End(epoch, next));
    }
    metrics.received(topic, changes.size());
    // Durable before any lane can finish these offsets, so a commit never passes a lost letter.
    deadLetters.writeAll(undecodable);
    undecodable.forEach(l -> metrics.deadLettered(topic, "", ChangefeedMetrics.Reason.UNDECODABLE));
    Lane.Segment segment =
        new Lane.Segment(
            List.copyOf(changes), Map.copyOf(ends), records.count(), System.nanoTime());
    lanes.forEach(l -> l.offer(segment));
    ends.forEach((p, end) -> queued.put(new TopicPartition(topic, p), end.next()));
  }

  /**
   * Pauses fetching while some lane holds {@code laneCapacity} records or more, resumes once every
   * lane holds at most half of it. Re-applied each turn: partitions assigned meanwhile start out
   * fetching.
   */
  private void applyBackpressure() {
    Lane fullest = null;
    for (Lane l : lanes)
      if (fullest == null || l.queuedRecords() > fullest.queuedRecords()) fullest = l;
    long held = fullest == null ? 0 : fullest.queuedRecords();
    if (!fetchPaused && held >= config.laneCapacity()) {
      fetchPaused = true;
      log.info(
          "lane '{}' on {} holds {} records (capacity {}); pausing fetch",
          fullest.name(),
          topic,
          held,
          config.laneCapacity());
    } else if (fetchPaused && held <= config.laneCapacity() / 2) {
      fetchPaused = false;
      consumer.resume(consumer.paused());
      log.info("lanes on {} below half their capacity; resuming fetch", topic);
    }
    if (fetchPaused) consumer.pause(consumer.assignment());
  }

  /** Per partition, the lowest offset every lane has finished, where that is past the commit. */
  private Map<TopicPartition, OffsetAndMetadata> committable(Collection<TopicPartition> ps) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : ps) {
      Long c = committed.get(tp);
      if (c == null) continue;
      long min = Long.MAX_VALUE;
      for (Lane l : lanes) {
        Long f = l.finished(tp.partition());
        min = Math.min(min, f == null ? c : f);
      }
      if (min != Long.MAX_VALUE && min > c) offsets.put(tp, new OffsetAndMetadata(min));
    }
    return offsets;
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) return;
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      // close() arrived meanwhile; the wakeup is consumed, so the commit goes through now.
      consumer.commitSync(offsets);
    }
    offsets.forEach((tp, o) -> committed.replace(tp, o.offset()));
    offsets.forEach((tp, o) -> consumedMarks.committed(tp.partition(), o.offset()));
    log.debug("committed {}", offsets);
  }

  private void refreshControl() {
    Instant now = Instant.now();
    if (now.isBefore(nextControlRefresh)) return;
    nextControlRefresh = now.plus(config.controlRefreshInterval());
    Set<String> fresh;
    try {
      fresh = new TreeSet<>(pauseSwitches.get());
    } catch (RuntimeException e) {
      log.warn("cannot read pause switches for topic {}; keeping {}", topic, paused, e);
      return;
    }
    fresh.retainAll(names);
    for (String n : paused)
      if (!fresh.contains(n)) {
        log.info("subprocessor '{}' resumed on topic {}; re-driving its parked changes", n, topic);
        lanes.stream().filter(l -> l.name().equals(n)).forEach(Lane::requestSweep);
      }
    for (String n : fresh)
      if (!paused.contains(n))
        log.info("subprocessor '{}' paused on topic {}; parking its changes", n, topic);
    paused = Set.copyOf(fresh);
  }

  private void updateLag() {
    long sum = 0;
    for (TopicPartition tp : committed.keySet()) sum += consumer.currentLag(tp).orElse(0);
    lag.set(sum);
  }

  private void pause(Duration d) {
    synchronized (sleeper) {
      try {
        if (running) sleeper.wait(d.toMillis());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      }
    }
  }

  @Override
  public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
    if (partitions.isEmpty()) return; // nothing moves: no reason to wait for the lanes
    List<Integer> ps = partitions.stream().map(TopicPartition::partition).toList();
    // New epochs first: from here no lane counts or starts work of these partitions …
    ps.forEach(epochs::remove);
    // … and once the attempts in flight are over, what the lanes finished is final.
    lanes.forEach(Lane::quiesce);
    Map<TopicPartition, OffsetAndMetadata> offsets = committable(partitions);
    try {
      commit(offsets);
    } catch (RuntimeException e) {
      log.warn("commit on revocation of {} failed; the new owner will redeliver", partitions, e);
    }
    forget(partitions);
    log.info(
        "partitions revoked from topic {}: {} (committed {})", topic, partitions, offsets.values());
  }

  @Override
  public void onPartitionsLost(Collection<TopicPartition> partitions) {
    partitions.forEach(tp -> epochs.remove(tp.partition()));
    forget(partitions);
    log.warn(
        "partitions lost from topic {}: {} (uncommitted work will be redelivered)",
        topic,
        partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    // The cooperative protocol calls this on every rebalance, often with nothing new.
    if (partitions.isEmpty()) return;
    for (TopicPartition tp : partitions) {
      long position = consumer.position(tp);
      committed.put(tp, position);
      queued.put(tp, position);
      for (Lane l : lanes) l.assigned(tp.partition(), position);
      epochs.put(tp.partition(), ++lastEpoch);
    }
    watermark.assigned(partitions.stream().map(TopicPartition::partition).toList());
    assigned = partitionSet();
    // Letters parked on these partitions by a previous owner (or a crashed sweep) wait for us.
    lanes.forEach(Lane::requestSweep);
    log.info("partitions assigned on topic {}: {}", topic, partitions);
  }

  private void forget(Collection<TopicPartition> partitions) {
    List<Integer> ps = partitions.stream().map(TopicPartition::partition).toList();
    lanes.forEach(l -> l.forget(ps));
    partitions.forEach(committed::remove);
    partitions.forEach(queued::remove);
    ps.forEach(consumedMarks::forget);
    watermark.revoked(ps);
    assigned = partitionSet();
  }

  private Set<Integer> partitionSet() {
    Set<Integer> s = new TreeSet<>();
    committed.keySet().forEach(tp -> s.add(tp.partition()));
    return Set.copyOf(s);
  }
}
