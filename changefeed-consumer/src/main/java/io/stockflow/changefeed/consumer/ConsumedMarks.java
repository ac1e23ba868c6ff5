package io.stockflow.changefeed.consumer;

import static io.stockflow.db.jooq.Tables.CHANGEFEED_CONSUMED;

import io.stockflow.changefeed.Hlc;
import io.stockflow.db.Transactions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The consumed high-water mark of one topic for one consumer group: per partition, the highest
 * resolved timestamp whose offset the group has committed. A resolved message at offset o says
 * every change at or below its timestamp was written to the partition before o; once the commit
 * passes o, all of them are handled. Stored in {@code changefeed_consumed} (never moving back), so
 * a changefeed recreated with {@code cursor} at the minimum over the partitions loses nothing.
 *
 * <p>Used by one topic consumer's poll thread only.
 */
final class ConsumedMarks {
  private static final Logger log = LoggerFactory.getLogger(ConsumedMarks.class);

  private final Transactions tx;
  private final String groupId;
  private final String topic;
  private final long flushIntervalNanos;

  /** Per partition: resolved timestamps seen at their offsets, not yet passed by a commit. */
  private final Map<Integer, TreeMap<Long, Hlc>> seen = new HashMap<>();

  /** Per partition: the consumed mark not yet stored. */
  private final Map<Integer, Hlc> unstored = new HashMap<>();

  private long nextFlush = System.nanoTime();

  public ConsumedMarks(Transactions tx, String groupId, String topic, Duration flushInterval) {
    this.tx = tx;
    this.groupId = groupId;
    this.topic = topic;
    this.flushIntervalNanos = flushInterval.toNanos();
  }

  /** A resolved message was polled at {@code offset}. */
  public void resolvedAt(int partition, long offset, Hlc resolved) {
    seen.computeIfAbsent(partition, p -> new TreeMap<>()).put(offset, resolved);
  }

  /** The group committed {@code offset} (the next to read) for {@code partition}. */
  public void committed(int partition, long offset) {
    TreeMap<Long, Hlc> s = seen.get(partition);
    if (s == null) return;
    var passed = s.headMap(offset);
    if (passed.isEmpty()) return;
    Hlc max = passed.values().stream().max(Hlc::compareTo).orElseThrow();
    passed.clear();
    unstored.merge(partition, max, (a, b) -> a.compareTo(b) >= 0 ? a : b);
  }

  /** The partition moved to another consumer: what it saw but did not commit is not ours. */
  public void forget(int partition) {
    seen.remove(partition);
  }

  /** Stores the marks gathered since the last store, at most once per flush interval. */
  public void flushIfDue() {
    if (unstored.isEmpty() || System.nanoTime() - nextFlush < 0) return;
    nextFlush = System.nanoTime() + flushIntervalNanos;
    flush();
  }

  /** Stores the marks gathered since the last store, now; a failure keeps them for the next try. */
  public void flush() {
    if (unstored.isEmpty()) return;
    Map<Integer, Hlc> marks = new HashMap<>(unstored);
    var c = CHANGEFEED_CONSUMED;
    try {
      tx.run(
          dsl -> {
            var insert =
                dsl.insertInto(c, c.GROUP_ID, c.TOPIC, c.PARTITION_ID, c.HLC_WALL, c.HLC_LOGICAL);
            for (var e : marks.entrySet())
              insert =
                  insert.values(
                      groupId,
                      topic,
                      (long) e.getKey(),
                      e.getValue().wallNanos(),
                      e.getValue().logical());
            return GreatestHlcUpsert.keepGreatest(
                    insert,
                    c.HLC_WALL,
                    c.HLC_LOGICAL,
                    c.UPDATED_AT,
                    c.GROUP_ID,
                    c.TOPIC,
                    c.PARTITION_ID)
                .execute();
          });
      marks.forEach((p, h) -> unstored.remove(p, h));
    } catch (RuntimeException e) {
      log.warn("could not store the consumed marks of topic {}; retrying later", topic, e);
    }
  }

  /**
   * The consumed mark of a whole feed for {@code groupId}: the minimum over every partition of
   * every topic the group consumes, or empty when one of those partitions has no stored mark yet
   * (then no cursor is safe) or the group has stored none at all.
   *
   * <p>A topic without a single mark of the group is one it does not consume (the feed watches
   * {@code purchase_orders}, which no subprocessor reads): it does not hold the mark back. A cursor
   * at the mark loses nothing there either: the mark is at or below what the old job emitted, so
   * the recreated feed re-emits every change after it on every topic.
   */
  public static Optional<Hlc> feedMark(
      Transactions tx, String groupId, Map<String, Integer> partitionsByTopic) {
    var c = CHANGEFEED_CONSUMED;
    Map<String, Map<Long, Hlc>> stored = new HashMap<>();
    tx.run(
            dsl ->
                dsl.select(c.TOPIC, c.PARTITION_ID, c.HLC_WALL, c.HLC_LOGICAL)
                    .from(c)
                    .where(c.GROUP_ID.eq(groupId))
                    .and(c.TOPIC.in(partitionsByTopic.keySet()))
                    .fetch())
        .forEach(
            r ->
                stored
                    .computeIfAbsent(r.value1(), t -> new HashMap<>())
                    .put(r.value2(), new Hlc(r.value3(), r.value4())));
    Hlc min = null;
    for (var e : partitionsByTopic.entrySet()) {
      Map<Long, Hlc> parts = stored.get(e.getKey());
      if (parts == null) continue;
      for (long p = 0; p < e.getValue(); p++) {
        Hlc h = parts.get(p);
        if (h == null) return Optional.empty();
        if (min == null || h.compareTo(min) < 0) min = h;
      }
    }
    return Optional.ofNullable(min);
  }
}
