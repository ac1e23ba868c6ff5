package io.stockflow.bridge.stream;

import io.stockflow.bridge.encoding.CrdbPartitioner;
import io.stockflow.bridge.encoding.Envelope;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Kafka side of the bridge: one idempotent producer ({@code acks=all}, idempotence on, so a
 * retried send neither duplicates nor reorders within a partition). Row messages go to the
 * partition CockroachDB's sink picks from the key bytes ({@link CrdbPartitioner}, FNV-1a — not
 * Kafka's murmur2), so all versions of a row land on one partition in commit order, the one a real
 * changefeed would use; resolved messages go explicitly to every partition.
 *
 * <p>Sends are asynchronous; {@link #flush()} waits for every acknowledgement and rethrows the
 * first failure, which is how the caller knows it may commit the source offsets. Thread-safe as the
 * Kafka producer is; the bridge uses it from the engine thread and the initial scan only.
 */
public final class KafkaSink implements MessageSink, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(KafkaSink.class);

  private final KafkaProducer<byte[], byte[]> producer;
  private final String bootstrap;
  private final AtomicReference<Exception> failure = new AtomicReference<>();

  public KafkaSink(String bootstrap, String clientId) {
    this.bootstrap = bootstrap;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, clientId);
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    p.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /**
   * Creates the topics that are missing with {@code partitions} partitions (the broker's default
   * replication factor). Existing topics are left as they are; a different partition count is
   * logged, not changed.
   */
  public void ensureTopics(Collection<String> topics, int partitions) {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (Admin admin = Admin.create(p)) {
      Set<String> existing = admin.listTopics().names().get(60, TimeUnit.SECONDS);
      List<NewTopic> missing =
          topics.stream()
              .filter(t -> !existing.contains(t))
              .map(t -> new NewTopic(t, Optional.of(partitions), Optional.empty()))
              .toList();
      for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> e :
          admin.createTopics(missing).values().entrySet()) {
        try {
          e.getValue().get(60, TimeUnit.SECONDS);
          log.info("changefeed bridge: created topic {} ({} partitions)", e.getKey(), partitions);
        } catch (ExecutionException ex) {
          if (!(ex.getCause() instanceof TopicExistsException)) throw ex;
        }
      }
      for (String t : topics) {
        int actual = producer.partitionsFor(t).size();
        if (actual != partitions)
          log.warn(
              "changefeed bridge: topic {} has {} partitions, the declaration says {}",
              t,
              actual,
              partitions);
      }
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException(
          "cannot create the changefeed topics on " + bootstrap + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while creating topics", e);
    }
  }

  @Override
  public void send(String topic, byte[] key, byte[] value) {
    producer.send(
        new ProducerRecord<>(
            topic,
            CrdbPartitioner.partition(key, producer.partitionsFor(topic).size()),
            key,
            value),
        (metadata, e) -> {
          if (e != null) failure.compareAndSet(null, e);
        });
  }

  @Override
  public void sendResolved(Collection<String> topics, String hlc) {
    byte[] value = Envelope.resolved(hlc);
    for (String topic : topics)
      for (PartitionInfo p : producer.partitionsFor(topic))
        producer.send(
            new ProducerRecord<>(topic, p.partition(), null, value),
            (metadata, e) -> {
              if (e != null) failure.compareAndSet(null, e);
            });
  }

  /** Waits until every message sent so far is acknowledged by all in-sync replicas. */
  @Override
  public void flush() {
    producer.flush();
    Exception e = failure.get();
    if (e != null)
      throw new IllegalStateException(
          "a Kafka send failed (" + e.getMessage() + "); source offsets are not committed", e);
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(30));
  }
}
