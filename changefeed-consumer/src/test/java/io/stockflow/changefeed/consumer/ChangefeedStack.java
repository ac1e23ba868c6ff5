package io.stockflow.changefeed.consumer;

import io.stockflow.db.Database;
import io.stockflow.embedded.EmbeddedKafkaBroker;
import io.stockflow.embedded.EmbeddedPostgresServer;
import io.stockflow.embedded.Ports;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The real embedded PostgreSQL (migrated) and Kafka broker for the integration tests, plus a plain
 * producer that writes CockroachDB-changefeed-shaped messages.
 */
final class ChangefeedStack implements AutoCloseable {
  final EmbeddedPostgresServer pg;
  final EmbeddedKafkaBroker kafka;
  final DataSource dataSource;
  private final KafkaProducer<byte[], byte[]> producer;

  ChangefeedStack(Path dir) {
    EmbeddedPostgresServer startedPg =
        EmbeddedPostgresServer.start(dir.resolve("pg"), Ports.free());
    EmbeddedKafkaBroker startedKafka = null;
    try {
      startedKafka = EmbeddedKafkaBroker.start(dir.resolve("kafka"), Ports.free(), Ports.free(), 1);
      Database.migrate(startedPg.dataSource());
      Properties p = new Properties();
      p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, startedKafka.bootstrapServers());
      p.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
      p.put(ProducerConfig.ACKS_CONFIG, "all");
      this.producer = new KafkaProducer<>(p);
    } catch (RuntimeException e) {
      if (startedKafka != null) startedKafka.close();
      startedPg.close();
      throw e;
    }
    this.pg = startedPg;
    this.kafka = startedKafka;
    this.dataSource = startedPg.dataSource();
  }

  /** A fresh topic name with {@code partitions} partitions, created now. */
  String newTopic(String prefix, int partitions) throws Exception {
    String topic = prefix + "_" + UUID.randomUUID().toString().substring(0, 8);
    try (Admin admin = admin()) {
      admin.createTopics(Set.of(new NewTopic(topic, partitions, (short) 1))).all().get();
    }
    return topic;
  }

  Admin admin() {
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    return Admin.create(p);
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
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p)) {
      c.subscribe(List.of(topic));
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (out.size() < count && System.nanoTime() < deadline)
        c.poll(Duration.ofMillis(200)).forEach(out::add);
    }
    return out;
  }

  @Override
  public void close() {
    try {
      producer.close();
    } finally {
      try {
        kafka.close();
      } finally {
        pg.close();
      }
    }
  }
}
