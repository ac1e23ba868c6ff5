package io.stockflow.db.reservations;

import static io.stockflow.db.jooq.Tables.RESERVATIONS;

import io.stockflow.db.Transactions;
import io.stockflow.stock.ReservationStatus;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database's own fallback for holds that ended by time: releases active holds past a cutoff
 * (their TTL plus a grace period, when the changefeed → Temporal expiry path is down or behind) and
 * confirmed holds that have had no order since a cutoff. Each hold is released by the same
 * conditional statement the expiry activity uses ({@link ReservationReleases}), in its own short
 * transaction, so whichever path runs second does nothing and stock returns exactly once.
 *
 * <p><b>Several instances at once.</b> No lock is taken to choose work (no {@code FOR UPDATE SKIP
 * LOCKED}, whose support and semantics differ on CockroachDB): candidates come from a plain read of
 * a partial index, and the conditional UPDATE decides who releases each hold. Each sweeper walks
 * its batch in a random order, so two sweepers over the same batch mostly take different rows
 * instead of queueing behind each other on the same row lock. One hold per transaction keeps every
 * lock short (one reservation row, then one inventory row: the order every other stock change
 * uses), so a sweep never deadlocks with a checkout, and one broken row (see {@link
 * ReservationReleases.InventoryMismatch}) fails alone.
 *
 * <p>Within one sweep the candidates are read in key order after a cursor, so a hold that fails is
 * passed over instead of being read again, and a sweep ends after {@code maxBatches} batches (the
 * rest waits for the next sweep). Thread-safe.
 */
public final class ReservationSweep {
  private static final Logger log = LoggerFactory.getLogger(ReservationSweep.class);

  private final Transactions transactions;
  private final int batchSize;
  private final int maxBatches;

  public ReservationSweep(Transactions transactions, int batchSize, int maxBatches) {
    if (batchSize < 1) throw new IllegalArgumentException("batchSize must be >= 1");
    if (maxBatches < 1) throw new IllegalArgumentException("maxBatches must be >= 1");
    this.transactions = transactions;
    this.batchSize = batchSize;
    this.maxBatches = maxBatches;
  }

  /**
   * What one sweep did.
   *
   * @param expired active holds past their TTL (and grace) this sweep released
   * @param unordered confirmed holds without an order this sweep released
   * @param skipped candidates another path ended first (the conditional UPDATE changed nothing)
   * @param failed candidates whose release failed (logged; tried again by the next sweep)
   */
  public record Result(int expired, int unordered, int skipped, int failed) {
    public boolean didSomething() {
      return expired + unordered + failed > 0;
    }
  }

  /**
   * Releases active holds with {@code expires_at <= expiredBefore} and confirmed holds without an
   * order confirmed at or before {@code confirmedBefore} (null: skip that kind).
   */
  public Result sweep(Instant expiredBefore, Instant confirmedBefore) {
    int[] counts = new int[4];
    if (expiredBefore != null) {
      OffsetDateTime cutoff = OffsetDateTime.ofInstant(expiredBefore, ZoneOffset.UTC);
      walk(
          RESERVATIONS
              .STATUS
              .eq(DSL.inline(ReservationStatus.ACTIVE.code()))
              .and(RESERVATIONS.EXPIRES_AT.le(cutoff)),
          RESERVATIONS.EXPIRES_AT,
          id -> transactions.run(tx -> ReservationReleases.expireIfDue(tx, id, DSL.val(cutoff))),
          0,
          counts);
    }
    if (confirmedBefore != null) {
      OffsetDateTime cutoff = OffsetDateTime.ofInstant(confirmedBefore, ZoneOffset.UTC);
      walk(
          RESERVATIONS
              .STATUS
              .eq(DSL.inline(ReservationStatus.CONFIRMED.code()))
              .and(RESERVATIONS.ORDER_ID.isNull())
              .and(ReservationReleases.CONFIRMED_SINCE.le(cutoff)),
          ReservationReleases.CONFIRMED_SINCE,
          id ->
              transactions.run(
                  tx -> ReservationReleases.releaseUnorderedIfDue(tx, id, DSL.val(cutoff))),
          1,
          counts);
    }
    return new Result(counts[0], counts[1], counts[2], counts[3]);
  }

  /**
   * Reads candidates matching {@code due} in ({@code order}, id) order after a cursor, a batch at a
   * time, and releases each with {@code release}; counts into {@code counts[kind]}, skipped and
   * failed.
   */
  private void walk(
      Condition due,
      Field<OffsetDateTime> order,
      Function<String, ReservationReleases.Released> release,
      int kind,
      int[] counts) {
    Record2<OffsetDateTime, String> cursor = null;
    for (int batch = 0; batch < maxBatches; batch++) {
      Condition after =
          cursor == null
              ? DSL.noCondition()
              : DSL.row(order, RESERVATIONS.ID).gt(cursor.value1(), cursor.value2());
      List<Record2<OffsetDateTime, String>> rows =
          transactions
              .dsl()
              .select(order, RESERVATIONS.ID)
              .from(RESERVATIONS)
              .where(due)
              .and(after)
              .orderBy(order, RESERVATIONS.ID)
              .limit(batchSize)
              .fetch();
      if (rows.isEmpty()) return;
      cursor = rows.get(rows.size() - 1);
      List<String> ids = new ArrayList<>(rows.size());
      rows.forEach(r -> ids.add(r.value2()));
      Collections.shuffle(ids);
      for (String id : ids) {
        try {
          if (release.apply(id) != null) counts[kind]++;
          else counts[2]++;
        } catch (RuntimeException e) {
          counts[3]++;
          log.warn("reservation sweep could not release {}: {}", id, e.toString());
        }
      }
      if (rows.size() < batchSize) return;
    }
  }
}
