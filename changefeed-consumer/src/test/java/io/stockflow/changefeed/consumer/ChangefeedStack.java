package io.stockflow.changefeed.consumer;

import static org.awaitility.Awaitility.await;

import io.stockflow.db.Database;
import io.stockflow.testsupport.KafkaClients;
import io.stockflow.testsupport.KafkaExtension;
import io.stockflow.testsupport.PostgresExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a consumer test class runs against: a migrated PostgreSQL database of its own and a Kafka
 * broker without topics, both from test-support (servers shared by the module's test JVM), plus a
 * plain producer that writes CockroachDB-changefeed-shaped messages. Register it on a static field:
 * {@code @RegisterExtension static final ChangefeedStack stack = new ChangefeedStack();}
 */
final class ChangefeedStack implements BeforeAllCallback, AfterAllCallback {
  private final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);
  private final KafkaExtension kafka = new KafkaExtension();
  private KafkaProducer<byte[], byte[]> producer;

  @Override
  public void beforeAll(ExtensionContext context) {
    postgres.beforeAll(context);
    kafka.beforeAll(context);
    producer = new KafkaProducer<>(KafkaClients.producer(bootstrap()));
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (producer != null) producer.close();
    producer = null;
  }

  String bootstrap() {
    return kafka.bootstrapServers();
  }

  DataSource dataSource() {
    return postgres.dataSource();
  }

  String jdbcUrl() {
    return postgres.jdbcUrl();
  }

  /** A fresh topic name with {@code partitions} partitions, created now. */
  String newTopic(String prefix, int partitions) throws Exception {
    String topic = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = admin()) {
      admin.createTopics(Set.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    return topic;
  }

  private Admin admin() {
    return Admin.create(KafkaClients.admin(bootstrap()));
  }

  /** Sends raw key/value text to one partition and waits for the acknowledgement. */
  void send(String topic, int partition, String key, String value) throws Exception {
    producer
        .send(
            new ProducerRecord<>(
                topic,
                partition,
                key == null ? null : key.getBytes(StandardCharsets.UTF_8),
                value == null ? null : value.getBytes(StandardCharsets.UTF_8)))
        .get();
  }

  /** Committed offsets of {@code group}, by partition. */
  Map<TopicPartition, OffsetAndMetadata> committed(String group) throws Exception {
    try (Admin admin = admin()) {
      return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get();
    }
  }

  /** Reads every record of {@code topic} from the beginning until {@code count} have arrived. */
  List<ConsumerRecord<byte[], byte[]>> readAll(String topic, int count) {
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(KafkaClients.consumer(bootstrap(), "reader-" + UUID.randomUUID()))) {
      c.subscribe(List.of(topic));
      // In this thread: a KafkaConsumer must not be used by two threads, and it is closed here.
      await(count + " records of " + topic)
          .atMost(Duration.ofSeconds(60))
          .pollInSameThread()
          .pollDelay(Duration.ZERO)
          .pollInterval(Duration.ofMillis(10))
          .until(
              () -> {
                c.poll(Duration.ofMillis(200)).forEach(out::add);
                return out.size() >= count;
              });
    }
    return out;
  }
}
