package io.stockflow.db;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockflow.testsupport.PostgresExtension;
import java.time.OffsetDateTime;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The database itself refuses what would corrupt inventory, whoever writes: the API or an associate
 * in psql.
 */
class SchemaIT {
  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  static DSLContext sql;

  @BeforeAll
  static void seed() {
    sql = Database.dsl(postgres.dataSource());
    sql.execute(
        "INSERT INTO locations (id, name, kind, region) VALUES ('SEA1', 'Seattle FC', 'fulfilment_centre', 'us-west')");
    sql.execute(
        "INSERT INTO skus (sku, name, unit_price) VALUES ('JERKY-TERIYAKI-3OZ', 'Teriyaki 3oz', 7.99)");
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand, allocated, reserved, reorder_point, max_stock)"
            + " VALUES ('JERKY-TERIYAKI-3OZ', 'SEA1', 10, 2, 3, 4, 40)");
  }

  @Test
  void oversellingByDirectSqlFailsWithTheConstraintName() {
    assertThatThrownBy(
            () ->
                sql.execute(
                    "UPDATE inventory_levels SET reserved = reserved + 6 WHERE location_id = 'SEA1'"))
        .isInstanceOf(DataAccessException.class)
        .hasMessageContaining("inventory_never_oversold");
    assertThat(onHandAllocatedReserved()).containsExactly(10L, 2L, 3L);
  }

  @Test
  void negativeQuantitiesFailWithTheConstraintName() {
    assertThatThrownBy(
            () ->
                sql.execute(
                    "UPDATE inventory_levels SET in_transit_in = -1 WHERE location_id = 'SEA1'"))
        .hasMessageContaining("inventory_quantities_non_negative");
    assertThatThrownBy(
            () ->
                sql.execute("UPDATE inventory_levels SET damaged = -2 WHERE location_id = 'SEA1'"))
        .hasMessageContaining("inventory_quantities_non_negative");
    assertThatThrownBy(
            () ->
                sql.execute(
                    "UPDATE inventory_levels SET max_stock = 2, reorder_point = 5 WHERE location_id = 'SEA1'"))
        .hasMessageContaining("inventory_thresholds_valid");
  }

  @Test
  void lastUpdatedMovesOnEveryWriteAndAReplayKeepsItsOwnValue() {
    OffsetDateTime before = lastUpdated();
    sql.execute("UPDATE inventory_levels SET damaged = damaged WHERE location_id = 'SEA1'");
    OffsetDateTime afterWrite = lastUpdated();
    assertThat(afterWrite).isAfter(before);

    OffsetDateTime replayAt = afterWrite.plusMinutes(5);
    sql.update(INVENTORY_LEVELS)
        .set(INVENTORY_LEVELS.LAST_UPDATED, replayAt)
        .where(INVENTORY_LEVELS.LOCATION_ID.eq("SEA1"))
        .execute();
    assertThat(lastUpdated()).isEqualTo(replayAt);
  }

  /** As CockroachDB's ON UPDATE now(): one timestamp per transaction, and a SET list wins. */
  @Test
  void lastUpdatedIsTheTransactionsTimeAndNamingItInSetKeepsWhatIsSet() {
    OffsetDateTime[] seen =
        sql.transactionResult(
            cfg -> {
              var tx = cfg.dsl();
              OffsetDateTime txTime = tx.fetchOne("SELECT now()").get(0, OffsetDateTime.class);
              tx.execute("SELECT pg_sleep(0.01)");
              tx.execute(
                  "UPDATE inventory_levels SET damaged = damaged WHERE location_id = 'SEA1'");
              OffsetDateTime first = lastUpdated(tx);
              tx.execute("SELECT pg_sleep(0.01)");
              tx.execute(
                  "UPDATE inventory_levels SET damaged = damaged WHERE location_id = 'SEA1'");
              return new OffsetDateTime[] {txTime, first, lastUpdated(tx)};
            });
    assertThat(seen[1]).isEqualTo(seen[0]);
    assertThat(seen[2]).isEqualTo(seen[0]);

    // Naming last_updated in SET keeps the value set, even the one already there; the next write
    // without it moves it again.
    OffsetDateTime kept = lastUpdated();
    sql.execute(
        "UPDATE inventory_levels SET last_updated = last_updated, damaged = damaged WHERE location_id = 'SEA1'");
    assertThat(lastUpdated()).isEqualTo(kept);
    sql.execute("UPDATE inventory_levels SET damaged = damaged WHERE location_id = 'SEA1'");
    assertThat(lastUpdated()).isAfter(kept);
  }

  @Test
  void serializationFailuresAreRetriedUntilTheTransactionCommits() throws Exception {
    Transactions tx = new Transactions(sql);
    int workers = 4;
    CyclicBarrier together = new CyclicBarrier(workers);
    AtomicInteger attempts = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(workers);
    try {
      Future<?>[] done = new Future<?>[workers];
      for (int i = 0; i < workers; i++) {
        done[i] =
            pool.submit(
                () ->
                    tx.run(
                        t -> {
                          t.execute("SET TRANSACTION ISOLATION LEVEL SERIALIZABLE");
                          // Read-modify-write under SERIALIZABLE: concurrent runs conflict and get
                          // SQLSTATE 40001.
                          long dmg =
                              t.select(INVENTORY_LEVELS.DAMAGED)
                                  .from(INVENTORY_LEVELS)
                                  .where(INVENTORY_LEVELS.LOCATION_ID.eq("SEA1"))
                                  .fetchOne()
                                  .value1();
                          if (attempts.incrementAndGet() <= workers) together.await();
                          t.update(INVENTORY_LEVELS)
                              .set(INVENTORY_LEVELS.DAMAGED, dmg + 1)
                              .where(INVENTORY_LEVELS.LOCATION_ID.eq("SEA1"))
                              .execute();
                          return null;
                        }));
      }
      long damagedBefore = damaged();
      for (Future<?> f : done) f.get();
      // Without retries some increments would have failed; with them every one lands exactly once.
      assertThat(attempts.get()).isGreaterThan(workers);
      assertThat(damaged()).isEqualTo(damagedBefore + workers);
    } finally {
      pool.shutdownNow();
    }
  }

  private static long damaged() {
    return sql.select(INVENTORY_LEVELS.DAMAGED)
        .from(INVENTORY_LEVELS)
        .where(INVENTORY_LEVELS.LOCATION_ID.eq("SEA1"))
        .fetchOne()
        .value1();
  }

  private static java.util.List<Long> onHandAllocatedReserved() {
    var r =
        sql.select(INVENTORY_LEVELS.ON_HAND, INVENTORY_LEVELS.ALLOCATED, INVENTORY_LEVELS.RESERVED)
            .from(INVENTORY_LEVELS)
            .where(INVENTORY_LEVELS.LOCATION_ID.eq("SEA1"))
            .fetchOne();
    return java.util.List.of(r.value1(), r.value2(), r.value3());
  }

  private static OffsetDateTime lastUpdated() {
    return lastUpdated(sql);
  }

  private static OffsetDateTime lastUpdated(DSLContext in) {
    return in.select(INVENTORY_LEVELS.LAST_UPDATED)
        .from(INVENTORY_LEVELS)
        .where(INVENTORY_LEVELS.LOCATION_ID.eq("SEA1"))
        .fetchOne()
        .value1();
  }
}
