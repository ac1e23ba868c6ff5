package io.stockflow.dev;

import io.stockflow.changefeed.Hlc;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Splits the pipeline's latency in two: reads the topic beside the platform (no group, from the end
 * offsets at the start of the window) and records, per change, its commit ({@code updated}) to the
 * moment its record reached Kafka (the record's CreateTime, stamped by the producer of the
 * changefeed — the bridge here). The rest of a subprocessor's commit-to-handled latency is the
 * consumer's. Recorded into the window's {@link HandledLatencies} under {@link #NAME}.
 */
final class InKafkaLatencies implements AutoCloseable {
  static final String NAME = "(changefeed: commit → in Kafka)";
  private static final Pattern UPDATED = Pattern.compile("\"updated\":\\s*\"([0-9.]+)\"");

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final Thread thread;
  private volatile boolean running = true;

  InKafkaLatencies(String bootstrap, String topic, HandledLatencies sink) {
    consumer =
        new KafkaConsumer<>(
            Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrap,
                ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG,
                ByteArrayDeserializer.class,
                ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                false));
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToEnd(partitions);
    partitions.forEach(consumer::position); // resolve "end" now, before the writes begin
    thread =
        new Thread(
            () -> {
              try {
                while (running)
                  for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (r.value() == null) continue;
                    Matcher m = UPDATED.matcher(new String(r.value(), StandardCharsets.UTF_8));
                    if (!m.find()) continue; // a resolved timestamp
                    Hlc updated = Hlc.parse(m.group(1));
                    sink.handled(topic, NAME, updated, Instant.ofEpochMilli(r.timestamp()));
                  }
              } catch (WakeupException e) {
                // close()
              } finally {
                consumer.close();
              }
            },
            "bench-in-kafka");
    thread.setDaemon(true);
    thread.start();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    consumer.wakeup();
    thread.join(10_000);
  }
}
