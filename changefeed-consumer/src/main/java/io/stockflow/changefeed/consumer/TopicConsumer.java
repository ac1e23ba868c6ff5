package io.stockflow.changefeed.consumer;

import io.micrometer.core.instrument.Gauge;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.config.ChangefeedConfig;
import io.stockflow.changefeed.control.SubprocessorControl;
import io.stockflow.changefeed.deadletter.DeadLetter;
import io.stockflow.changefeed.deadletter.DeadLetterWriter;
import io.stockflow.changefeed.deadletter.DeadLetters;
import io.stockflow.changefeed.deadletter.Failure;
import io.stockflow.changefeed.dispatch.Delivery;
import io.stockflow.changefeed.dispatch.Dispatcher;
import io.stockflow.changefeed.dispatch.SubprocessorInvoker;
import io.stockflow.changefeed.envelope.DecodedMessage;
import io.stockflow.changefeed.envelope.EnvelopeDecoder;
import io.stockflow.changefeed.envelope.UndecodableMessageException;
import io.stockflow.changefeed.fence.FenceStore;
import io.stockflow.changefeed.metrics.ChangefeedMetrics;
import io.stockflow.changefeed.watermark.Watermark;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One Kafka consumer, on its own thread, for one source topic: poll → decode → dead-letter the
 * undecodable → fan the batch out to every enabled subprocessor in parallel (one worker thread
 * each, which runs the subprocessor's ordering groups on its own bounded pool, see {@link
 * Dispatcher}) → release changes the watermark has passed → commit. The commit of a batch waits for
 * every subprocessor to have handled or dead-lettered each of its changes (at-least-once); a batch
 * that fails as a whole (database or broker unreachable) is rewound to the last commit and retried
 * after a pause. Offsets of revoked partitions are committed in the rebalance callback, so a
 * rebalance loses nothing.
 */
final class TopicConsumer implements Runnable, ConsumerRebalanceListener {
  private static final Logger log = LoggerFactory.getLogger(TopicConsumer.class);
  private static final int SWEEP_PAGE = 500;
  private static final Duration FAILURE_PAUSE = Duration.ofSeconds(1);

  private final String topic;
  private final ChangefeedConfig config;
  private final Consumer<byte[], byte[]> consumer;
  private final EnvelopeDecoder decoder;
  private final FenceStore fences;
  private final DeadLetterWriter writer;
  private final DeadLetters deadLetters;
  private final SubprocessorControl control;
  private final ChangefeedMetrics metrics;
  private final List<Dispatcher> dispatchers = new ArrayList<>();
  private final Map<String, ExecutorService> workers = new LinkedHashMap<>();
  private final Set<String> names = new LinkedHashSet<>();

  private final Watermark watermark = new Watermark();
  private final Map<TopicPartition, PartitionProgress> progress = new HashMap<>();
  private final AtomicLong lag = new AtomicLong();
  private final AtomicLong deferredCount = new AtomicLong();
  private volatile Set<Integer> assigned = Set.of();
  private volatile Set<String> paused = Set.of();

  /** Subprocessors whose parked letters must be re-driven before they see live changes again. */
  private final Set<String> sweepNeeded = new LinkedHashSet<>();

  private Instant nextControlRefresh = Instant.MIN;
  private volatile boolean running = true;
  private volatile boolean consuming;
  private final List<Gauge> gauges = new ArrayList<>();
  private final Object sleeper = new Object();

  TopicConsumer(
      String topic,
      ChangefeedConfig config,
      EnvelopeDecoder decoder,
      FenceStore fences,
      DeadLetterWriter writer,
      DeadLetters deadLetters,
      SubprocessorInvoker invoker,
      SubprocessorControl control,
      ChangefeedMetrics metrics) {
    this.topic = topic;
    this.config = config;
    this.decoder = decoder;
    this.fences = fences;
    this.writer = writer;
    this.deadLetters = deadLetters;
    this.control = control;
    this.metrics = metrics;
    for (Subprocessor s : config.topics().get(topic)) {
      names.add(s.name());
      dispatchers.add(
          new Dispatcher(topic, s, fences, invoker, writer, metrics, config.concurrency(s.name())));
      String thread = "changefeed-" + topic + "-" + s.name();
      workers.put(s.name(), Executors.newSingleThreadExecutor(r -> new Thread(r, thread)));
    }
    this.consumer = new KafkaConsumer<>(consumerProperties(config, topic));
    gauges.add(metrics.gauge(ChangefeedMetrics.CONSUMER_LAG, topic, lag::get));
    gauges.add(metrics.gauge(ChangefeedMetrics.WATERMARK_LAG, topic, watermark::lagSeconds));
    gauges.add(metrics.gauge(ChangefeedMetrics.DEFERRED, topic, deferredCount::get));
  }

  private static Properties consumerProperties(ChangefeedConfig config, String topic) {
    Properties p = new Properties();
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
    return p;
  }

  String topic() {
    return topic;
  }

  Watermark watermark() {
    return watermark;
  }

  Set<Integer> assigned() {
    return assigned;
  }

  long lag() {
    return lag.get();
  }

  /** False before the thread started and after it stopped (closed, or died on an error). */
  boolean consuming() {
    return consuming;
  }

  long deferred() {
    return deferredCount.get();
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
    try {
      consumer.subscribe(List.of(topic), this);
      while (running) {
        refreshControl();
        ConsumerRecords<byte[], byte[]> records;
        try {
          records = consumer.poll(config.pollTimeout());
        } catch (WakeupException e) {
          continue; // close() woke us; the loop condition decides
        }
        try {
          sweepParked();
          handle(records);
          releaseDeferred();
          commit();
        } catch (RuntimeException e) {
          log.error(
              "batch on topic {} failed; rewinding to the last commit and retrying in {} ms",
              topic,
              FAILURE_PAUSE.toMillis(),
              e);
          rewind();
          pause(FAILURE_PAUSE);
        }
        updateLag();
      }
    } catch (RuntimeException e) {
      log.error("consumer for topic {} stopped on an unexpected error", topic, e);
    } finally {
      try {
        commit();
      } catch (RuntimeException e) {
        log.warn("final commit on topic {} failed; the batch will be redelivered", topic, e);
      }
      consumer.close(); // leaves the group; the revocation callback commits again (harmless)
      workers.values().forEach(ExecutorService::shutdown);
      dispatchers.forEach(Dispatcher::close); // the per-key threads; idle by now
      gauges.forEach(metrics::remove);
      consuming = false;
      log.info("consumer for topic {} stopped and left group {}", topic, config.groupId());
      MDC.remove("topic");
    }
  }

  /** Asks the loop to stop after the batch in flight; returns at once. */
  void stop() {
    running = false;
    consumer.wakeup();
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
  }

  private void handle(ConsumerRecords<byte[], byte[]> records) {
    if (records.isEmpty()) return;
    List<Delivery> changes = new ArrayList<>(records.count());
    List<DeadLetterWriter.Letter> undecodable = new ArrayList<>();
    for (TopicPartition tp : records.partitions()) {
      PartitionProgress p = progress.get(tp);
      for (ConsumerRecord<byte[], byte[]> r : records.records(tp)) {
        try {
          DecodedMessage m = decoder.decode(topic, r.partition(), r.offset(), r.key(), r.value());
          if (m instanceof DecodedMessage.Change c)
            changes.add(new Delivery(c.event(), r.key(), r.value()));
          else if (m instanceof DecodedMessage.Resolved res)
            watermark.resolved(r.partition(), res.resolved());
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
        if (p != null) p.next = r.offset() + 1;
      }
    }
    metrics.received(topic, changes.size());
    writer.writeAll(undecodable);
    undecodable.forEach(l -> metrics.deadLettered(topic, "", ChangefeedMetrics.Reason.UNDECODABLE));
    Map<String, List<Delivery>> input = new LinkedHashMap<>();
    names.forEach(n -> input.put(n, changes));
    dispatch(input, true);
  }

  /** Hands changes the watermark has passed to the subprocessors that were waiting for it. */
  private void releaseDeferred() {
    Hlc wm = watermark.current().orElse(null);
    if (wm == null) return;
    Map<String, List<Delivery>> input = new LinkedHashMap<>();
    for (PartitionProgress p : progress.values()) {
      var it = p.deferred.values().iterator();
      while (it.hasNext()) {
        PartitionProgress.Deferred d = it.next();
        if (d.delivery().event().updated().compareTo(wm) > 0) continue;
        d.waiting()
            .forEach(n -> input.computeIfAbsent(n, k -> new ArrayList<>()).add(d.delivery()));
        it.remove();
      }
    }
    if (!input.isEmpty()) dispatch(input, false);
  }

  /**
   * Runs every subprocessor's share in parallel on its worker and waits for all of them, so the
   * commit that follows covers only handled changes. The fences of the whole batch are read in one
   * query.
   */
  private void dispatch(Map<String, List<Delivery>> input, boolean mayDefer) {
    Set<String> keys = new HashSet<>();
    input.values().forEach(l -> l.forEach(d -> keys.add(d.event().keyString())));
    if (keys.isEmpty()) return;
    Map<FenceStore.Key, Hlc> stored = fences.load(topic, input.keySet(), keys);
    Hlc wm = watermark.current().orElse(null);
    Map<String, Future<List<Delivery>>> futures = new LinkedHashMap<>();
    for (Dispatcher d : dispatchers) {
      String name = d.subprocessor().name();
      List<Delivery> mine = input.get(name);
      if (mine == null || mine.isEmpty()) continue;
      boolean off = paused.contains(name) || sweepNeeded.contains(name);
      futures.put(
          name, workers.get(name).submit(() -> d.dispatch(mine, stored, off, wm, mayDefer)));
    }
    RuntimeException failure = null;
    for (Map.Entry<String, Future<List<Delivery>>> f : futures.entrySet()) {
      try {
        for (Delivery d : f.getValue().get()) {
          PartitionProgress p = progress.get(new TopicPartition(topic, d.event().partition()));
          if (p != null) p.defer(d, f.getKey());
        }
      } catch (ExecutionException e) {
        if (failure == null)
          failure =
              new IllegalStateException(
                  "subprocessor '" + f.getKey() + "' batch failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) failure = new IllegalStateException("interrupted", e);
      }
    }
    deferredCount.set(progress.values().stream().mapToLong(p -> p.deferred.size()).sum());
    if (failure != null) throw failure;
  }

  private void commit() {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    progress.forEach(
        (tp, p) -> {
          long c = p.committable();
          if (c > p.committed) offsets.put(tp, new OffsetAndMetadata(c));
        });
    commit(offsets);
  }

  private void commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
    if (offsets.isEmpty()) return;
    try {
      consumer.commitSync(offsets);
    } catch (WakeupException e) {
      // close() arrived during the batch; the wakeup is consumed, so the commit goes through now.
      consumer.commitSync(offsets);
    }
    offsets.forEach((tp, o) -> progress.get(tp).committed = o.offset());
    log.debug("committed {}", offsets);
  }

  private void rewind() {
    progress.forEach(
        (tp, p) -> {
          p.rewind();
          consumer.seek(tp, p.committed);
        });
    deferredCount.set(0);
  }

  private void refreshControl() {
    Instant now = Instant.now();
    if (now.isBefore(nextControlRefresh)) return;
    nextControlRefresh = now.plus(config.controlRefreshInterval());
    Set<String> fresh;
    try {
      fresh = new TreeSet<>(control.paused());
    } catch (RuntimeException e) {
      log.warn("cannot read pause switches for topic {}; keeping {}", topic, paused, e);
      return;
    }
    fresh.retainAll(names);
    for (String n : paused)
      if (!fresh.contains(n)) {
        log.info("subprocessor '{}' resumed on topic {}; re-driving its parked changes", n, topic);
        sweepNeeded.add(n);
      }
    for (String n : fresh)
      if (!paused.contains(n))
        log.info("subprocessor '{}' paused on topic {}; parking its changes", n, topic);
    paused = Set.copyOf(fresh);
  }

  /**
   * Re-drives letters parked while a subprocessor was paused, on this consumer's partitions, in
   * source order, a page per loop turn; until the last page is done the subprocessor's live changes
   * are parked behind them, which keeps per-partition order.
   */
  private void sweepParked() {
    for (var it = sweepNeeded.iterator(); it.hasNext(); ) {
      String name = it.next();
      if (paused.contains(name)) continue;
      List<DeadLetter> page = deadLetters.parked(topic, name, assigned, SWEEP_PAGE);
      for (DeadLetter l : page) deadLetters.redrive(l);
      if (!page.isEmpty())
        log.info("re-drove {} parked changes of '{}' on {}", page.size(), name, topic);
      if (page.size() < SWEEP_PAGE) it.remove();
    }
  }

  private void updateLag() {
    long sum = 0;
    for (TopicPartition tp : progress.keySet()) sum += consumer.currentLag(tp).orElse(0);
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
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (TopicPartition tp : partitions) {
      PartitionProgress p = progress.get(tp);
      if (p != null && p.committable() > p.committed)
        offsets.put(tp, new OffsetAndMetadata(p.committable()));
    }
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
    forget(partitions);
    log.warn(
        "partitions lost from topic {}: {} (uncommitted work will be redelivered)",
        topic,
        partitions);
  }

  @Override
  public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
    for (TopicPartition tp : partitions)
      progress.put(tp, new PartitionProgress(consumer.position(tp)));
    watermark.assigned(partitions.stream().map(TopicPartition::partition).toList());
    assigned = progressPartitions();
    // Letters parked on these partitions by a previous owner (or a crashed sweep) wait for us.
    sweepNeeded.addAll(names);
    log.info("partitions assigned on topic {}: {}", topic, partitions);
  }

  private void forget(Collection<TopicPartition> partitions) {
    partitions.forEach(progress::remove);
    watermark.revoked(partitions.stream().map(TopicPartition::partition).toList());
    assigned = progressPartitions();
    deferredCount.set(progress.values().stream().mapToLong(p -> p.deferred.size()).sum());
  }

  private Set<Integer> progressPartitions() {
    Set<Integer> s = new TreeSet<>();
    progress.keySet().forEach(tp -> s.add(tp.partition()));
    return Set.copyOf(s);
  }
}
