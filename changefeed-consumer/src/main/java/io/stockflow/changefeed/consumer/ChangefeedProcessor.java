package io.stockflow.changefeed.consumer;

import io.micrometer.core.instrument.MeterRegistry;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import io.stockflow.db.changefeed.ChangefeedJson;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The changefeed processor: one consumer thread per configured topic, fanning each change out to
 * that topic's subprocessors (see the module README for the guarantees). Plain Java; the platform
 * wires it:
 *
 * <pre>{@code
 * var config = ChangefeedConfig.builder()
 *     .bootstrapServers(kafka)
 *     .topics(Map.of("inventory_levels", List.of("restock", "channel-sync")), subprocessorBeans)
 *     .build();
 * var processor = new ChangefeedProcessor(config, dataSource, meterRegistry);
 * processor.start();   // consumer role
 * ...
 * processor.close();   // finishes the batch in flight, commits, leaves the group
 * }</pre>
 *
 * The api role may construct one without calling {@link #start()} to use {@link #deadLetters()} and
 * {@link #control()}. The migrations must have been applied. Thread-safe; {@link #start()} and
 * {@link #close()} are idempotent.
 */
public final class ChangefeedProcessor implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ChangefeedProcessor.class);
  private static final Duration RESTART_BACKOFF = Duration.ofSeconds(1);
  private static final Duration MAX_RESTART_BACKOFF = Duration.ofSeconds(30);
  private static final Duration HEALTHY_RUN = Duration.ofMinutes(1);

  private final ChangefeedConfig config;
  private final ChangefeedMetrics metrics;
  private final EnvelopeDecoder decoder;
  private final FenceStore fences;
  private final Producer<byte[], byte[]> producer;
  private final DeadLetterWriter writer;
  private final SubprocessorInvoker invoker;
  private final SubprocessorControl control;
  private final DeadLetters deadLetters;
  private final Transactions tx;

  /** The consumer running now per topic (replaced when it is restarted). */
  private final Map<String, TopicConsumer> consumers = new ConcurrentHashMap<>();

  private final Map<String, AtomicLong> restarts = new ConcurrentHashMap<>();
  private final List<Thread> threads = new ArrayList<>();
  private final Object sleeper = new Object();
  private volatile boolean started;
  private volatile boolean closed;

  public ChangefeedProcessor(
      ChangefeedConfig config, DataSource dataSource, MeterRegistry registry) {
    this.config = config;
    this.tx = new Transactions(Database.dsl(dataSource));
    this.metrics = new ChangefeedMetrics(registry);
    this.decoder =
        new EnvelopeDecoder(ChangefeedJson.mapper(), new ReplayRule(config.replayColumn()));
    this.fences = new FenceStore(tx);
    this.producer = new KafkaProducer<>(producerProperties(config));
    this.writer = new DeadLetterWriter(tx, producer, config::deadLetterTopic);
    this.invoker = new SubprocessorInvoker(config.retry(), metrics);
    this.control = new SubprocessorControl(tx, config.subprocessorNames());
    this.deadLetters = new DeadLetters(config, tx, decoder, invoker, fences, writer, metrics);
  }

  private static Properties producerProperties(ChangefeedConfig config) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    p.put(
        ProducerConfig.CLIENT_ID_CONFIG,
        config.groupId() + "-dlq-" + ProcessHandle.current().pid());
    p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    // A dead letter replaces a commit's worth of processing: it must be on every in-sync replica.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    return p;
  }

  /**
   * Creates missing dead-letter topics and starts, per topic, a thread that runs the topic's
   * consumer and restarts it with backoff whenever it ends on an error.
   */
  public synchronized void start() {
    if (closed) throw new IllegalStateException("closed");
    if (started) return;
    started = true;
    ensureDeadLetterTopics();
    for (String topic : config.topics().keySet()) {
      restarts.put(topic, new AtomicLong());
      Thread t = new Thread(() -> supervise(topic), "changefeed-" + topic);
      threads.add(t);
      t.start();
    }
    log.info(
        "changefeed processor started: group {}, topics {}",
        config.groupId(),
        config.topics().entrySet().stream()
            .collect(
                Collectors.toMap(
                    Map.Entry::getKey,
                    e -> e.getValue().stream().map(Subprocessor::name).toList())));
  }

  /**
   * Runs the topic's consumer until the processor closes. A consumer that ends on an error (an
   * exception from {@code poll} or a rebalance callback, a lane that died) has committed only what
   * every lane finished; a fresh one takes over after a backoff of 1 s doubling to 30 s (reset
   * after a minute of healthy running) and re-delivers the rest. Meanwhile {@link #status()} shows
   * the topic as not consuming.
   */
  private void supervise(String topic) {
    Duration backoff = RESTART_BACKOFF;
    while (!closed) {
      long startedAt = System.nanoTime();
      Throwable failure;
      try {
        TopicConsumer c =
            new TopicConsumer(
                topic,
                config,
                KafkaConsumer::new,
                decoder,
                fences,
                writer::writeAll,
                deadLetters::redriveParked,
                invoker,
                control::paused,
                metrics,
                new ConsumedMarks(tx, config.groupId(), topic, config.consumedMarkInterval()),
                TopicConsumer.COMMIT_INTERVAL);
        consumers.put(topic, c);
        if (closed) c.stop(); // close() may have missed it
        c.run();
        failure = c.failure();
      } catch (RuntimeException e) { // e.g. the consumer could not even be built
        failure = e;
      }
      if (closed) return;
      if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(HEALTHY_RUN) > 0)
        backoff = RESTART_BACKOFF;
      restarts.get(topic).incrementAndGet();
      log.error(
          "consumer for topic {} ended ({}); restarting it in {} s",
          topic,
          failure == null ? "no error recorded" : failure.toString(),
          backoff.toSeconds());
      synchronized (sleeper) {
        try {
          if (!closed) sleeper.wait(backoff.toMillis());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      backoff =
          backoff.multipliedBy(2).compareTo(MAX_RESTART_BACKOFF) > 0
              ? MAX_RESTART_BACKOFF
              : backoff.multipliedBy(2);
    }
  }

  /** Whether {@link #start()} was called: this process runs the consumer role. */
  public boolean started() {
    return started;
  }

  private void ensureDeadLetterTopics() {
    Properties p = new Properties();
    config
        .consumerProperties()
        .forEach(
            (k, v) -> {
              if (k.startsWith("security.") || k.startsWith("sasl.") || k.startsWith("ssl."))
                p.put(k, v);
            });
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get();
      List<NewTopic> missing =
          config.topics().keySet().stream()
              .map(config::deadLetterTopic)
              .filter(t -> !existing.contains(t))
              .map(t -> new NewTopic(t, Optional.empty(), Optional.empty()))
              .toList();
      if (missing.isEmpty()) return;
      admin.createTopics(missing).all().get();
      log.info("created dead-letter topics {}", missing.stream().map(NewTopic::name).toList());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicExistsException) return;
      // Auto-creation or an operator may still provide them; the first dead letter will tell.
      log.warn("could not create dead-letter topics: {}", e.getCause().toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Tells {@code listener} of every change processed from now on (thread-safe; any time). */
  public void addHandledListener(HandledListener listener) {
    metrics.addHandledListener(listener);
  }

  /** Listing and re-driving dead letters. */
  public DeadLetters deadLetters() {
    return deadLetters;
  }

  /** Pause and resume subprocessors (every instance follows within the refresh interval). */
  public SubprocessorControl control() {
    return control;
  }

  public ChangefeedConfig config() {
    return config;
  }

  /** A snapshot for the ops API; reads the pause switches from the database. */
  public ChangefeedStatus status() {
    List<ChangefeedStatus.TopicStatus> topics = new ArrayList<>();
    for (Map.Entry<String, List<Subprocessor>> e : config.topics().entrySet()) {
      TopicConsumer c = consumers.get(e.getKey());
      topics.add(
          new ChangefeedStatus.TopicStatus(
              e.getKey(),
              config.deadLetterTopic(e.getKey()),
              e.getValue().stream().map(Subprocessor::name).toList(),
              c == null ? List.of() : c.assigned().stream().sorted().toList(),
              c == null ? Map.of() : c.watermark().perPartition(),
              c == null ? null : c.watermark().current().orElse(null),
              c == null ? Double.NaN : c.watermark().lagSeconds(),
              c == null ? 0 : c.lag(),
              c == null ? 0 : c.deferred(),
              c != null && c.fetchPaused(),
              c == null ? List.of() : c.laneStatus(),
              c != null && c.consuming(),
              restarts.getOrDefault(e.getKey(), new AtomicLong()).get()));
    }
    Set<String> paused = control.paused();
    List<ChangefeedStatus.SubprocessorStatus> subs = new ArrayList<>();
    for (String name : config.subprocessorNames()) {
      subs.add(
          new ChangefeedStatus.SubprocessorStatus(
              name,
              config.topics().entrySet().stream()
                  .filter(e -> e.getValue().stream().anyMatch(s -> s.name().equals(name)))
                  .map(Map.Entry::getKey)
                  .toList(),
              paused.contains(name),
              metrics.count(ChangefeedMeters.PROCESSED, name),
              metrics.count(ChangefeedMeters.SKIPPED_STALE, name),
              metrics.count(ChangefeedMeters.RETRIED, name),
              metrics.count(ChangefeedMeters.DEAD_LETTERED, name),
              metrics.count(ChangefeedMeters.COALESCED, name),
              metrics.count(ChangefeedMeters.REDRIVEN, name)));
    }
    return new ChangefeedStatus(topics, subs);
  }

  /**
   * Stops every consumer — each finishes its batch in flight, commits and leaves the group — then
   * closes the dead-letter producer.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    consumers.values().forEach(TopicConsumer::stop);
    synchronized (sleeper) {
      sleeper.notifyAll();
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    producer.close(Duration.ofSeconds(10));
    log.info("changefeed processor closed");
  }
}
