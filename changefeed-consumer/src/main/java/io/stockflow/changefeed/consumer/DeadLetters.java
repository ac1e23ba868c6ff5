package io.stockflow.changefeed.consumer;

import static io.stockflow.db.jooq.Tables.DEAD_LETTERS;
import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.noCondition;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.db.PagedDelete;
import io.stockflow.db.Transactions;
import io.stockflow.db.jooq.tables.records.DeadLettersRecord;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists and re-drives dead letters (the ops API and CLI call this).
 *
 * <p>Re-drive runs the failed subprocessor again, with the retry policy, on the original message
 * decoded from the index row. It deliberately <b>bypasses the HLC fence</b> of that one
 * subprocessor: the fence may have moved past the message since (a newer change of the key was
 * handled), and skipping would silently lose the failed change. Subprocessors are idempotent and
 * act on state (typically by signalling a workflow that re-reads it), so an older image arriving
 * late is harmless; the fence itself only ever advances. Success marks the row {@code redriven};
 * failing again records a new failure on the same row (attempts add up, last failure, error) and
 * appends a new record with fresh headers to the dead-letter topic.
 *
 * <p>Thread-safe. Concurrent re-drives of the same letter may both run the subprocessor (allowed:
 * it is idempotent); a letter already {@code redriven} or {@code resolved} is refused.
 */
public final class DeadLetters {
  private static final Logger log = LoggerFactory.getLogger(DeadLetters.class);

  private final ChangefeedConfig config;
  private final Transactions tx;
  private final EnvelopeDecoder decoder;
  private final SubprocessorInvoker invoker;
  private final FenceStore fences;
  private final DeadLetterWriter writer;
  private final ChangefeedMetrics metrics;

  DeadLetters(
      ChangefeedConfig config,
      Transactions tx,
      EnvelopeDecoder decoder,
      SubprocessorInvoker invoker,
      FenceStore fences,
      DeadLetterWriter writer,
      ChangefeedMetrics metrics) {
    this.config = Objects.requireNonNull(config, "config");
    this.tx = Objects.requireNonNull(tx, "tx");
    this.decoder = decoder;
    this.invoker = invoker;
    this.fences = fences;
    this.writer = writer;
    this.metrics = metrics;
  }

  /**
   * Filter for {@link #list}; null fields match everything.
   *
   * @param limit at most this many rows, newest failure first
   */
  public record Query(String topic, String subprocessor, DeadLetterStatus status, int limit) {
    public static Query all() {
      return new Query(null, null, null, 1000);
    }
  }

  /** Outcome of a re-drive. {@code error} is null on success. */
  public record RedriveResult(UUID id, boolean succeeded, String error) {}

  public List<DeadLetter> list(Query q) {
    var d = DEAD_LETTERS;
    Condition where = noCondition();
    if (q.topic() != null) where = where.and(d.SOURCE_TOPIC.eq(q.topic()));
    if (q.subprocessor() != null) where = where.and(d.SUBPROCESSOR.eq(q.subprocessor()));
    if (q.status() != null) where = where.and(d.STATUS.eq(q.status().dbValue()));
    return tx.dsl()
        .selectFrom(d)
        .where(where)
        .orderBy(d.LAST_FAILURE_AT.desc(), d.ID)
        .limit(q.limit())
        .fetch(DeadLetters::toDeadLetter);
  }

  public Optional<DeadLetter> get(UUID id) {
    return tx.dsl()
        .selectFrom(DEAD_LETTERS)
        .where(DEAD_LETTERS.ID.eq(id))
        .fetchOptional(DeadLetters::toDeadLetter);
  }

  /**
   * Re-drives a page of the letters parked while {@code subprocessor} was paused, on the given
   * partitions of {@code topic}, in source order (see {@link #redriveParked(DeadLetter)}).
   *
   * @return how many it re-drove
   */
  int redriveParked(String topic, String subprocessor, Collection<Integer> partitions, int limit) {
    List<DeadLetter> page = parked(topic, subprocessor, partitions, limit);
    for (DeadLetter l : page) redriveParked(l);
    return page.size();
  }

  /**
   * Letters parked while {@code subprocessor} was paused, on the given partitions of {@code topic},
   * in source order.
   */
  List<DeadLetter> parked(
      String topic, String subprocessor, Collection<Integer> partitions, int limit) {
    if (partitions.isEmpty()) return List.of();
    var d = DEAD_LETTERS;
    return tx.dsl()
        .selectFrom(d)
        .where(d.SOURCE_TOPIC.eq(topic))
        .and(d.SUBPROCESSOR.eq(subprocessor))
        .and(d.STATUS.eq(DeadLetterStatus.PENDING.dbValue()))
        .and(d.ERROR_CLASS.eq(Failure.PAUSED))
        .and(d.SOURCE_PARTITION.in(partitions.stream().map(Integer::longValue).toList()))
        .orderBy(d.SOURCE_PARTITION, d.SOURCE_OFFSET)
        .limit(limit)
        .fetch(DeadLetters::toDeadLetter);
  }

  /**
   * Re-drives the letter {@code id} (see the class comment).
   *
   * @throws java.util.NoSuchElementException when there is no such letter
   * @throws IllegalStateException when it is not pending, or its subprocessor is not enabled for
   *     its topic in this configuration
   */
  public RedriveResult redrive(UUID id) {
    DeadLetter letter =
        get(id).orElseThrow(() -> new java.util.NoSuchElementException("no dead letter " + id));
    return redrive(letter);
  }

  /** Re-drives an already loaded letter; see {@link #redrive(UUID)}. */
  public RedriveResult redrive(DeadLetter letter) {
    return redrive(letter, false);
  }

  /**
   * Re-drives a letter parked while its subprocessor was paused, from the subprocessor's lane: like
   * {@link #redrive(DeadLetter)}, except that an outage throws {@link OutageException} and leaves
   * the letter as it was, so the lane retries it later instead of recording a failure of a good
   * change.
   */
  private RedriveResult redriveParked(DeadLetter letter) {
    return redrive(letter, true);
  }

  private RedriveResult redrive(DeadLetter letter, boolean live) {
    if (letter.status() != DeadLetterStatus.PENDING)
      throw new IllegalStateException(
          "dead letter " + letter.id() + " is " + letter.status().dbValue() + ", not pending");
    byte[] key = bytes(letter.messageKey());
    byte[] value = bytes(letter.messageValue());
    Instant started = Instant.now();
    Failure failure;
    ChangeEvent event = null;
    Subprocessor s = null;
    try {
      DecodedMessage m =
          decoder.decode(
              letter.sourceTopic(), letter.sourcePartition(), letter.sourceOffset(), key, value);
      if (!(m instanceof DecodedMessage.Change c))
        throw new UndecodableMessageException("a resolved message is not re-drivable");
      event = c.event();
      s = config.subprocessor(letter.sourceTopic(), letter.subprocessor());
      if (s == null)
        throw new IllegalStateException(
            "subprocessor '"
                + letter.subprocessor()
                + "' is not enabled for topic "
                + letter.sourceTopic());
      failure = live ? invoker.invokeLive(s, event) : invoker.invoke(s, event);
    } catch (UndecodableMessageException e) {
      failure = Failure.of(e, 1, started, Instant.now());
    }
    if (failure == null) {
      var d = DEAD_LETTERS;
      // Only a letter still pending becomes re-driven: one resolved meanwhile stays resolved.
      tx.run(
          dsl ->
              dsl.update(d)
                  .set(d.STATUS, DeadLetterStatus.REDRIVEN.dbValue())
                  .set(d.REDRIVEN_AT, currentOffsetDateTime())
                  .where(d.ID.eq(letter.id()))
                  .and(d.STATUS.eq(DeadLetterStatus.PENDING.dbValue()))
                  .execute());
      fences.advance(letter.sourceTopic(), s.name(), Map.of(event.keyString(), event.updated()));
      metrics.processed(letter.sourceTopic(), s.name(), event.updated());
      metrics.redriven(letter.sourceTopic(), s.name());
      log.info(
          "re-drove dead letter {} ({}/{}@{}) through '{}'",
          letter.id(),
          letter.sourceTopic(),
          letter.sourcePartition(),
          letter.sourceOffset(),
          s.name());
      return new RedriveResult(letter.id(), true, null);
    }
    writer.write(
        new DeadLetterWriter.Letter(
            letter.sourceTopic(),
            letter.sourcePartition(),
            letter.sourceOffset(),
            key,
            value,
            letter.subprocessor(),
            failure));
    metrics.deadLettered(
        letter.sourceTopic(),
        letter.subprocessor(),
        s == null ? ChangefeedMetrics.Reason.UNDECODABLE : ChangefeedMetrics.Reason.FAILURE);
    return new RedriveResult(
        letter.id(), false, failure.errorClass() + ": " + failure.errorMessage());
  }

  /**
   * Dismisses a pending letter without re-driving it (e.g. an undecodable message); false when it
   * was not pending.
   */
  public boolean resolve(UUID id) {
    var d = DEAD_LETTERS;
    int n =
        tx.run(
            dsl ->
                dsl.update(d)
                    .set(d.STATUS, DeadLetterStatus.RESOLVED.dbValue())
                    .set(d.RESOLVED_AT, currentOffsetDateTime())
                    .where(d.ID.eq(id))
                    .and(d.STATUS.eq(DeadLetterStatus.PENDING.dbValue()))
                    .execute());
    if (n > 0) log.info("dead letter {} resolved without re-drive", id);
    return n > 0;
  }

  /**
   * Retention: deletes letters that settled (re-driven, or resolved) before {@code cutoff}; pending
   * letters stay whatever their age. The Kafka dead-letter topic keeps the messages for its own
   * retention.
   *
   * @return how many were deleted
   */
  static long deleteSettledBefore(Transactions tx, Instant cutoff, int pageSize) {
    var d = DEAD_LETTERS;
    OffsetDateTime at = cutoff.atOffset(ZoneOffset.UTC);
    Condition settledBefore =
        d.STATUS
            .eq(DeadLetterStatus.REDRIVEN.dbValue())
            .and(d.REDRIVEN_AT.lt(at))
            // Letters resolved before resolved_at existed count from their last failure.
            .or(
                d.STATUS
                    .eq(DeadLetterStatus.RESOLVED.dbValue())
                    .and(DSL.coalesce(d.RESOLVED_AT, d.LAST_FAILURE_AT).lt(at)));
    return PagedDelete.deleteWhere(tx, d, List.of(d.ID), settledBefore, pageSize);
  }

  private static byte[] bytes(String text) {
    return text == null ? null : text.getBytes(StandardCharsets.UTF_8);
  }

  private static DeadLetter toDeadLetter(DeadLettersRecord r) {
    return new DeadLetter(
        r.getId(),
        r.getSourceTopic(),
        r.getSourcePartition().intValue(),
        r.getSourceOffset(),
        r.getSubprocessor(),
        r.getDeadLetterTopic(),
        r.getMessageKey(),
        r.getMessageValue(),
        r.getErrorClass(),
        r.getErrorMessage(),
        r.getAttempts(),
        r.getFirstFailureAt().toInstant(),
        r.getLastFailureAt().toInstant(),
        DeadLetterStatus.fromDb(r.getStatus()),
        r.getRedrivenAt() == null ? null : r.getRedrivenAt().toInstant());
  }
}
