package io.stockflow.changefeed.consumer;

import static io.stockflow.db.jooq.Tables.CHANGEFEED_FENCE;

import io.stockflow.changefeed.Hlc;
import io.stockflow.db.PagedDelete;
import io.stockflow.db.Transactions;
import io.stockflow.db.jooq.tables.records.ChangefeedFenceRecord;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jooq.InsertValuesStep5;
import org.jooq.Record4;

/**
 * The durable HLC fence in table {@code changefeed_fence}: per (subprocessor, topic, key) the
 * highest {@code updated} handled. Reads and writes are batched — one query loads the fences of a
 * whole poll batch for every subprocessor of a topic, one statement advances a subprocessor's
 * fences for the batch. The conditional upsert never moves a fence backwards, so concurrent or
 * repeated advances (rebalances, re-drives) are harmless. Thread-safe.
 */
final class FenceStore implements Fences {
  private final Transactions tx;

  public FenceStore(Transactions tx) {
    this.tx = Objects.requireNonNull(tx, "tx");
  }

  @Override
  public Map<Key, Hlc> load(
      String topic, Collection<String> subprocessors, Collection<String> rowKeys) {
    Map<Key, Hlc> fences = new HashMap<>();
    if (subprocessors.isEmpty() || rowKeys.isEmpty()) return fences;
    var f = CHANGEFEED_FENCE;
    for (Record4<String, String, Long, Long> r :
        tx.dsl()
            .select(f.SUBPROCESSOR, f.ROW_KEY, f.HLC_WALL, f.HLC_LOGICAL)
            .from(f)
            .where(f.TOPIC.eq(topic))
            .and(f.SUBPROCESSOR.in(subprocessors))
            .and(f.ROW_KEY.in(rowKeys))
            .fetch()) {
      fences.put(new Key(r.value1(), r.value2()), new Hlc(r.value3(), r.value4()));
    }
    return fences;
  }

  /** The stored fence of one key, or null. */
  public Hlc get(String topic, String subprocessor, String rowKey) {
    return load(topic, java.util.List.of(subprocessor), java.util.List.of(rowKey))
        .get(new Key(subprocessor, rowKey));
  }

  /** In one statement. */
  @Override
  public void advance(String topic, String subprocessor, Map<String, Hlc> highest) {
    if (highest.isEmpty()) return;
    var f = CHANGEFEED_FENCE;
    tx.run(
        dsl -> {
          InsertValuesStep5<ChangefeedFenceRecord, String, String, String, Long, Long> insert =
              dsl.insertInto(f, f.ROW_KEY, f.TOPIC, f.SUBPROCESSOR, f.HLC_WALL, f.HLC_LOGICAL);
          for (Map.Entry<String, Hlc> e : highest.entrySet())
            insert =
                insert.values(
                    e.getKey(),
                    topic,
                    subprocessor,
                    e.getValue().wallNanos(),
                    e.getValue().logical());
          return GreatestHlcUpsert.keepGreatest(
                  insert,
                  f.HLC_WALL,
                  f.HLC_LOGICAL,
                  f.HANDLED_AT,
                  f.ROW_KEY,
                  f.TOPIC,
                  f.SUBPROCESSOR)
              .execute();
        });
  }

  /**
   * Retention: deletes the fences no change advanced since {@code cutoff}. Safe as long as no
   * message older than that can still arrive, so keep it above the changefeed topics' retention: a
   * replay (touching {@code last_updated}) gets a new, higher timestamp and needs no old fence.
   *
   * @return how many were deleted
   */
  public long deleteUntouchedSince(Instant cutoff, int pageSize) {
    var f = CHANGEFEED_FENCE;
    return PagedDelete.deleteWhere(
        tx,
        f,
        List.of(f.ROW_KEY, f.TOPIC, f.SUBPROCESSOR),
        f.HANDLED_AT.lt(cutoff.atOffset(ZoneOffset.UTC)),
        pageSize);
  }
}
