package io.stockflow.changefeed.consumer;

import static io.stockflow.db.jooq.Tables.DEAD_LETTERS;
import static org.jooq.impl.DSL.excluded;

import io.stockflow.db.Transactions;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.function.UnaryOperator;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes dead letters: first the index row in {@code dead_letters} (upserted on the source position
 * and subprocessor, so a redelivered message does not make a second row; attempts add up), then the
 * original key and value with {@link DeadLetterHeaders} to the dead-letter topic, waiting for the
 * broker's acknowledgement. Only after both may the caller commit the source offset. Thread-safe
 * (the producer is).
 */
final class DeadLetterWriter {
  private static final Logger log = LoggerFactory.getLogger(DeadLetterWriter.class);

  private final Transactions tx;
  private final Producer<byte[], byte[]> producer;
  private final UnaryOperator<String> deadLetterTopic;

  public DeadLetterWriter(
      Transactions tx, Producer<byte[], byte[]> producer, UnaryOperator<String> deadLetterTopic) {
    this.tx = Objects.requireNonNull(tx, "tx");
    this.producer = Objects.requireNonNull(producer, "producer");
    this.deadLetterTopic = Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
  }

  /** One message to dead-letter. {@code key}/{@code value} are the original bytes, may be null. */
  public record Letter(
      String sourceTopic,
      int partition,
      long offset,
      byte[] key,
      byte[] value,
      String subprocessor,
      Failure failure) {}

  /** Writes one dead letter; returns its index id. */
  public UUID write(Letter letter) {
    return writeAll(List.of(letter)).get(0);
  }

  /**
   * Writes several dead letters: the index rows in one transaction, then every record sent before
   * waiting for all acknowledgements. Returns the ids in the same order.
   *
   * @throws IllegalStateException when the broker does not acknowledge a record; the caller must
   *     then not commit the source offsets
   */
  public List<UUID> writeAll(List<Letter> letters) {
    if (letters.isEmpty()) return List.of();
    List<UUID> ids = tx.run(t -> upsertRows(t, letters));
    List<Future<RecordMetadata>> sent = new ArrayList<>(letters.size());
    for (int i = 0; i < letters.size(); i++)
      sent.add(producer.send(record(letters.get(i), ids.get(i))));
    for (int i = 0; i < letters.size(); i++) {
      Letter l = letters.get(i);
      try {
        RecordMetadata m = sent.get(i).get();
        log.warn(
            "dead-lettered {}/{}@{} key {} for subprocessor '{}' to {}@{}: {}: {} (attempts {})",
            l.sourceTopic(),
            l.partition(),
            l.offset(),
            text(l.key()),
            l.subprocessor(),
            m.topic(),
            m.offset(),
            l.failure().errorClass(),
            l.failure().errorMessage(),
            l.failure().attempts());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while dead-lettering", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "dead-letter topic " + deadLetterTopic.apply(l.sourceTopic()) + " refused a record",
            e.getCause());
      }
    }
    return ids;
  }

  private List<UUID> upsertRows(org.jooq.DSLContext t, List<Letter> letters) {
    var d = DEAD_LETTERS;
    List<UUID> ids = new ArrayList<>(letters.size());
    for (Letter l : letters) {
      Failure f = l.failure();
      ids.add(
          t.insertInto(d)
              .set(d.SOURCE_TOPIC, l.sourceTopic())
              .set(d.SOURCE_PARTITION, (long) l.partition())
              .set(d.SOURCE_OFFSET, l.offset())
              .set(d.SUBPROCESSOR, l.subprocessor())
              .set(d.DEAD_LETTER_TOPIC, deadLetterTopic.apply(l.sourceTopic()))
              .set(d.MESSAGE_KEY, text(l.key()))
              .set(d.MESSAGE_VALUE, text(l.value()))
              .set(d.ERROR_CLASS, f.errorClass())
              .set(d.ERROR_MESSAGE, f.errorMessage())
              .set(d.ATTEMPTS, (long) f.attempts())
              .set(d.FIRST_FAILURE_AT, f.firstFailureAt().atOffset(ZoneOffset.UTC))
              .set(d.LAST_FAILURE_AT, f.lastFailureAt().atOffset(ZoneOffset.UTC))
              .set(d.STATUS, DeadLetterStatus.PENDING.dbValue())
              .onConflict(d.SOURCE_TOPIC, d.SOURCE_PARTITION, d.SOURCE_OFFSET, d.SUBPROCESSOR)
              .doUpdate()
              .set(d.ERROR_CLASS, excluded(d.ERROR_CLASS))
              .set(d.ERROR_MESSAGE, excluded(d.ERROR_MESSAGE))
              .set(d.ATTEMPTS, d.ATTEMPTS.plus(excluded(d.ATTEMPTS)))
              .set(d.LAST_FAILURE_AT, excluded(d.LAST_FAILURE_AT))
              .set(d.STATUS, DeadLetterStatus.PENDING.dbValue())
              .returning(d.ID)
              .fetchOne(d.ID));
    }
    return ids;
  }

  private ProducerRecord<byte[], byte[]> record(Letter l, UUID id) {
    Failure f = l.failure();
    RecordHeaders h = new RecordHeaders();
    header(h, DeadLetterHeaders.ID, id.toString());
    header(h, DeadLetterHeaders.SOURCE_TOPIC, l.sourceTopic());
    header(h, DeadLetterHeaders.SOURCE_PARTITION, Integer.toString(l.partition()));
    header(h, DeadLetterHeaders.SOURCE_OFFSET, Long.toString(l.offset()));
    header(h, DeadLetterHeaders.SUBPROCESSOR, l.subprocessor());
    header(h, DeadLetterHeaders.ERROR_CLASS, f.errorClass());
    header(h, DeadLetterHeaders.ERROR_MESSAGE, f.errorMessage());
    header(h, DeadLetterHeaders.ATTEMPTS, Integer.toString(f.attempts()));
    header(h, DeadLetterHeaders.FIRST_FAILURE, f.firstFailureAt().toString());
    header(h, DeadLetterHeaders.LAST_FAILURE, f.lastFailureAt().toString());
    return new ProducerRecord<>(
        deadLetterTopic.apply(l.sourceTopic()), null, l.key(), l.value(), h);
  }

  private static void header(RecordHeaders h, String name, String value) {
    h.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  /** TEXT cannot hold NUL on PostgreSQL; the topic keeps the exact bytes anyway. */
  private static String text(byte[] bytes) {
    return bytes == null
        ? null
        : new String(bytes, StandardCharsets.UTF_8).replace('\u0000', '\uFFFD');
  }
}
