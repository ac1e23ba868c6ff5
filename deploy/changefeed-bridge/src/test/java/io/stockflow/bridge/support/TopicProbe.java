package io.stockflow.bridge.support;

import static org.awaitility.Awaitility.await;

import io.stockflow.testsupport.KafkaClients;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.awaitility.core.ConditionTimeoutException;

/** Reads topics from the beginning with a fresh consumer group and keeps every message seen. */
public final class TopicProbe implements AutoCloseable {
  /** One Kafka message as text; {@code key} is null for resolved messages. */
  public record Message(String topic, int partition, long offset, String key, String value) {}

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final List<Message> seen = new ArrayList<>();

  public TopicProbe(String bootstrap, Collection<String> topics) {
    consumer = new KafkaConsumer<>(KafkaClients.consumer(bootstrap, "probe-" + UUID.randomUUID()));
    consumer.subscribe(List.copyOf(topics));
  }

  /** Polls once and returns everything seen so far. */
  public synchronized List<Message> poll() {
    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)))
      seen.add(
          new Message(
              r.topic(),
              r.partition(),
              r.offset(),
              r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8),
              r.value() == null ? null : new String(r.value(), StandardCharsets.UTF_8)));
    return List.copyOf(seen);
  }

  /** Polls until some message matches, and returns the first that does. */
  public Message awaitFirst(Predicate<Message> match) {
    return printingThreadsOnTimeout(
        () ->
            await()
                .atMost(Duration.ofSeconds(90))
                .until(
                    () -> poll().stream().filter(match).findFirst(), java.util.Optional::isPresent)
                .get());
  }

  /** Polls until {@code done} holds over everything seen; returns everything seen. */
  public List<Message> awaitAll(Predicate<List<Message>> done) {
    return printingThreadsOnTimeout(
        () -> await().atMost(Duration.ofSeconds(180)).until(this::poll, done));
  }

  /**
   * A bridge that stops delivering has its threads stuck somewhere (a walsender killed while
   * Debezium restarts its task once left it silent for minutes under heavy load): their stacks go
   * to the test's output, so that the next occurrence says where.
   */
  private static <T> T printingThreadsOnTimeout(Supplier<T> wait) {
    try {
      return wait.get();
    } catch (ConditionTimeoutException e) {
      printThreads();
      throw e;
    }
  }

  private static void printThreads() {
    StringBuilder out = new StringBuilder("threads when the wait timed out:\n");
    Thread.getAllStackTraces()
        .forEach(
            (thread, stack) -> {
              out.append('"').append(thread.getName()).append("\" ").append(thread.getState());
              out.append('\n');
              for (StackTraceElement frame : stack)
                out.append("    at ").append(frame).append('\n');
            });
    System.out.println(out);
  }

  public static Predicate<Message> row(String topic, String key) {
    return m -> m.topic().equals(topic) && key.equals(m.key());
  }

  @Override
  public void close() {
    consumer.close();
  }
}
