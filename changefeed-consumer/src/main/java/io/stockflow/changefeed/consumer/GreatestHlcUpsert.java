package io.stockflow.changefeed.consumer;

import static org.jooq.impl.DSL.currentOffsetDateTime;
import static org.jooq.impl.DSL.excluded;
import static org.jooq.impl.DSL.row;

import java.time.OffsetDateTime;
import org.jooq.InsertOnDuplicateStep;
import org.jooq.InsertReturningStep;
import org.jooq.Record;
import org.jooq.TableField;

/**
 * The upsert behind fences and consumed marks: a row keeps the greatest HLC it was ever given, so a
 * late or concurrent writer with an older timestamp can never move it back. One statement, valid on
 * PostgreSQL and CockroachDB ({@code ON CONFLICT … DO UPDATE … WHERE}).
 */
final class GreatestHlcUpsert {
  private GreatestHlcUpsert() {}

  /**
   * Completes {@code insert} (its rows carry the new HLCs) so that a conflicting row on {@code key}
   * takes the new HLC and {@code touchedAt = now()} only when the new HLC is greater.
   */
  @SafeVarargs
  static <R extends Record> InsertReturningStep<R> keepGreatest(
      InsertOnDuplicateStep<R> insert,
      TableField<R, Long> wall,
      TableField<R, Long> logical,
      TableField<R, OffsetDateTime> touchedAt,
      TableField<R, ?>... key) {
    return insert
        .onConflict(key)
        .doUpdate()
        .set(wall, excluded(wall))
        .set(logical, excluded(logical))
        .set(touchedAt, currentOffsetDateTime())
        .where(row(wall, logical).lt(row(excluded(wall), excluded(logical))));
  }
}
