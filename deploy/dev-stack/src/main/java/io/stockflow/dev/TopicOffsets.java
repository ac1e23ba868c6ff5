package io.stockflow.dev;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.TopicPartition;

/**
 * End and committed offsets of one topic, read with the Kafka admin client: the benchmark measures
 * lag and completion the way Kafka's own tools do, independent of the consumer framework under test
 * (which is being rewritten).
 */
final class TopicOffsets implements AutoCloseable {
  private static final long TIMEOUT_SECONDS = 15;

  private final Admin admin;
  private final List<TopicPartition> partitions;

  TopicOffsets(String bootstrap, String topic) {
    this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap));
    try {
      this.partitions =
          get(admin.describeTopics(List.of(topic)).allTopicNames()).get(topic).partitions().stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
    } catch (RuntimeException e) {
      admin.close();
      throw e;
    }
  }

  List<TopicPartition> partitions() {
    return partitions;
  }

  Map<TopicPartition, Long> end() {
    return list(OffsetSpec.latest());
  }

  Map<TopicPartition, Long> beginning() {
    return list(OffsetSpec.earliest());
  }

  /** The group's committed offsets; a partition it never committed counts as offset 0. */
  Map<TopicPartition, Long> committed(String group) {
    Map<TopicPartition, OffsetAndMetadata> c =
        get(admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata());
    Map<TopicPartition, Long> out = new HashMap<>();
    for (TopicPartition tp : partitions) {
      OffsetAndMetadata o = c.get(tp);
      out.put(tp, o == null ? 0L : o.offset());
    }
    return out;
  }

  /** Records the group has not committed yet (end − committed, summed over partitions). */
  long lag(String group) {
    Map<TopicPartition, Long> end = end();
    Map<TopicPartition, Long> committed = committed(group);
    return partitions.stream().mapToLong(tp -> Math.max(0, end.get(tp) - committed.get(tp))).sum();
  }

  /** Whether the group has committed at least {@code target} on every partition. */
  boolean reached(String group, Map<TopicPartition, Long> target) {
    Map<TopicPartition, Long> committed = committed(group);
    return partitions.stream().allMatch(tp -> committed.get(tp) >= target.getOrDefault(tp, 0L));
  }

  static long sum(Map<TopicPartition, Long> offsets) {
    return offsets.values().stream().mapToLong(Long::longValue).sum();
  }

  private Map<TopicPartition, Long> list(OffsetSpec spec) {
    var result =
        get(
            admin
                .listOffsets(
                    partitions.stream().collect(Collectors.toMap(Function.identity(), p -> spec)))
                .all());
    Map<TopicPartition, Long> out = new HashMap<>();
    result.forEach((tp, info) -> out.put(tp, info.offset()));
    return out;
  }

  private static <T> T get(KafkaFuture<T> f) {
    try {
      return f.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking Kafka", e);
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("Kafka admin request failed: " + e, e);
    }
  }

  @Override
  public void close() {
    admin.close();
  }
}
