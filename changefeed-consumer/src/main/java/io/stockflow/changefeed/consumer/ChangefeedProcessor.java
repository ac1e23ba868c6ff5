package io.stockflow.changefeed.consumer;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.stockflow.changefeed.HandledListener;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.config.ChangefeedConfig;
import io.stockflow.changefeed.control.SubprocessorControl;
import io.stockflow.changefeed.deadletter.DeadLetterWriter;
import io.stockflow.changefeed.deadletter.DeadLetters;
import io.stockflow.changefeed.dispatch.SubprocessorInvoker;
import io.stockflow.changefeed.envelope.EnvelopeDecoder;
import io.stockflow.changefeed.envelope.ReplayRule;
import io.stockflow.changefeed.fence.FenceStore;
import io.stockflow.changefeed.metrics.ChangefeedMetrics;
import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
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

  private final ChangefeedConfig config;
  private final ChangefeedMetrics metrics;
  private final EnvelopeDecoder decoder;
  private final FenceStore fences;
  private final Producer<byte[], byte[]> producer;
  private final DeadLetterWriter writer;
  private final SubprocessorInvoker invoker;
  private final SubprocessorControl control;
  private final DeadLetters deadLetters;
  private final List<TopicConsumer> consumers = new ArrayList<>();
  private final List<Thread> threads = new ArrayList<>();
  private boolean started;
  private boolean closed;

  public ChangefeedProcessor(
      ChangefeedConfig config, DataSource dataSource, MeterRegistry registry) {
    this.config = config;
    Transactions tx = new Transactions(Database.dsl(dataSource));
    this.metrics = new ChangefeedMetrics(registry);
    this.decoder = new EnvelopeDecoder(new ObjectMapper(), new ReplayRule(config.replayColumn()));
    this.fences = new FenceStore(tx);
    this.producer = new KafkaProducer<>(producerProperties(config));
    this.writer = new DeadLetterWriter(tx, producer, config::deadLetterTopic);
    this.invoker = new SubprocessorInvoker(config.retry(), metrics);
    this.control = new SubprocessorControl(tx, config.subprocessorNames());
    this.deadLetters = new DeadLetters(config, tx, decoder, invoker, fences, writer, metrics);
  }

  private static Properties producerProperties(ChangefeedConfig config) {
    Properties p = new Properties();
    p.putAll(config.producerProperties());
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

  /** Creates missing dead-letter topics and starts one consumer thread per topic. */
  public synchronized void start() {
    if (closed) throw new IllegalStateException("closed");
    if (started) return;
    started = true;
    ensureDeadLetterTopics();
    for (String topic : config.topics().keySet()) {
      TopicConsumer c =
          new TopicConsumer(
              topic, config, decoder, fences, writer, deadLetters, invoker, control, metrics);
      Thread t = new Thread(c, "changefeed-" + topic);
      consumers.add(c);
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
      TopicConsumer c =
          consumersSnapshot().stream()
              .filter(x -> x.topic().equals(e.getKey()))
              .findFirst()
              .orElse(null);
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
              c != null && c.consuming()));
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
              metrics.count(ChangefeedMetrics.PROCESSED, name),
              metrics.count(ChangefeedMetrics.SKIPPED_STALE, name),
              metrics.count(ChangefeedMetrics.RETRIED, name),
              metrics.count(ChangefeedMetrics.DEAD_LETTERED, name),
              metrics.count(ChangefeedMetrics.COALESCED, name),
              metrics.count(ChangefeedMetrics.REDRIVEN, name)));
    }
    return new ChangefeedStatus(topics, subs);
  }

  private synchronized List<TopicConsumer> consumersSnapshot() {
    return List.copyOf(consumers);
  }

  /**
   * Stops every consumer — each finishes its batch in flight, commits and leaves the group — then
   * closes the dead-letter producer.
   */
  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    consumers.forEach(TopicConsumer::stop);
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
