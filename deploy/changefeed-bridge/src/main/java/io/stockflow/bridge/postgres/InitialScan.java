package io.stockflow.bridge.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockflow.bridge.encoding.ColumnType;
import io.stockflow.bridge.encoding.Envelope;
import io.stockflow.bridge.encoding.UnencodableValueException;
import io.stockflow.bridge.stream.MessageSink;
import io.stockflow.db.changefeed.WatchedTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CockroachDB's {@code initial_scan}: emits every current row of the watched tables once, as
 * inserts ({@code "before": null}), all with the same {@code updated}.
 *
 * <p>The scan reads all tables in one REPEATABLE READ transaction, i.e. one snapshot {@code S}. It
 * runs after the replication slot exists, so every commit {@code S} misses is in the slot and is
 * streamed afterwards. For the consumer's HLC fence to keep such a streamed change, its {@code
 * updated} must be larger than the scanned row's. PostgreSQL does not make that automatic: a
 * transaction takes its commit timestamp before it writes its commit record and becomes visible
 * only after that record is flushed (and, with synchronous replication, acknowledged). So a commit
 * can carry a timestamp earlier than the scan's {@code now()} and still be invisible to {@code S}.
 * Stamping the rows with {@code now()} then made the fence drop that commit for good.
 *
 * <p><b>How {@code updated} is chosen.</b>
 *
 * <ol>
 *   <li>Read the clock: {@code T0 = clock_timestamp()} (the clock commit timestamps come from).
 *   <li>Then, in the same small transaction, assign an xid {@code X} ({@code pg_current_xact_id()})
 *       and commit.
 *   <li>Wait until no transaction with an xid below {@code X} is running ({@code
 *       pg_snapshot_xmin(pg_current_snapshot()) > X}).
 *   <li>Take {@code S} and scan; every row gets {@code updated = T0 - 1 µs} (logical 0).
 * </ol>
 *
 * <p><b>Claim:</b> every commit {@code C} that {@code S} does not see has commit timestamp {@code
 * t_C >= T0 > updated}. <b>Proof.</b> Suppose {@code t_C < T0}. {@code C} changed rows, so it had
 * an xid, assigned before it took {@code t_C}, hence before step 1 read {@code T0}, hence before
 * {@code X} was assigned; xids are handed out in increasing order, so {@code xid(C) < X}. Step 3
 * saw no running xid below {@code X}, so {@code C} had left the proc array, i.e. had become
 * visible, before {@code S} was taken; {@code S} sees it. Contradiction. (This assumes the server
 * clock does not step backwards, as the streamed {@code updated} does.) Hence a streamed change
 * that the scan did not include always has a larger {@code updated} than the scanned row, with the
 * microsecond of {@code T0} itself covered by the 1 µs margin.
 *
 * <p>The converse duplicates: a commit that {@code S} sees is also in the slot when it committed
 * after the slot was created. If its {@code t_C} is below {@code updated} the fence drops the
 * duplicate; but commits during step 3 have {@code t_C >= T0} and would be re-emitted above the
 * scanned row, i.e. after a newer version of the same row. So the bridge skips streamed
 * transactions that {@code S} saw: {@link #run} returns {@code S} as a {@link ScanSnapshot}, which
 * the bridge stores with the scan marker and hands to the change handler on every start.
 *
 * <p>Step 3 waits for every transaction older than the scan, also an idle one left open; it logs
 * what it waits for every 10 s. Creating the replication slot waits in the same way.
 *
 * <p>Not thread-safe; runs once before streaming starts.
 */
public final class InitialScan {
  private static final Logger log = LoggerFactory.getLogger(InitialScan.class);

  /** In the waiting query's text, so the wait is visible in {@code pg_stat_activity}. */
  static final String WAITING = "changefeed bridge: initial scan waits for older transactions";

  private InitialScan() {}

  /** What the scan sent, and the snapshot it read. */
  public record Result(long rows, String updated, ScanSnapshot snapshot) {}

  /**
   * Scans {@code tables} and sends their rows. The caller flushes the sink before recording that
   * the scan is done.
   *
   * @param onUnencodable told about a table whose rows cannot be encoded; its rows are not sent
   */
  public static Result run(
      Connection connection,
      String schema,
      List<WatchedTable> tables,
      MessageSink sink,
      BiConsumer<WatchedTable, UnencodableValueException> onUnencodable)
      throws SQLException, InterruptedException {
    boolean autoCommit = connection.getAutoCommit();
    int isolation = connection.getTransactionIsolation();
    connection.setAutoCommit(false);
    try {
      long t0Micros;
      long x;
      try (Statement s = connection.createStatement()) {
        // Two statements, in this order: T0 is read before X exists.
        t0Micros = single(s, "SELECT (extract(epoch FROM clock_timestamp()) * 1000000)::bigint");
        x = single(s, "SELECT pg_current_xact_id()::text::bigint");
      }
      connection.commit();
      awaitOlderTransactions(connection, x);
      String updated = Envelope.hlc(Math.multiplyExact(t0Micros - 1, 1000L), 0);

      connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      connection.setReadOnly(true);
      long rows = 0;
      ScanSnapshot snapshot;
      try (Statement s = connection.createStatement()) {
        s.setFetchSize(1000);
        // The first statement takes the transaction's snapshot S.
        try (ResultSet rs =
            s.executeQuery(
                "SELECT pg_current_snapshot()::text,"
                    + " (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint")) {
          rs.next();
          snapshot = ScanSnapshot.parse(rs.getString(1), rs.getLong(2));
        }
        for (WatchedTable t : tables) {
          try {
            rows += scan(s, schema, t, updated, sink);
          } catch (UnencodableValueException e) {
            onUnencodable.accept(t, e);
          }
        }
        connection.commit();
      } finally {
        connection.setReadOnly(false);
      }
      log.info(
          "changefeed bridge: initial scan sent {} rows at {} (snapshot {})",
          rows,
          updated,
          snapshot.toLine());
      return new Result(rows, updated, snapshot);
    } finally {
      if (!connection.getAutoCommit()) connection.rollback();
      connection.setTransactionIsolation(isolation);
      connection.setAutoCommit(autoCommit);
    }
  }

  /** Waits until no transaction with an xid below {@code x} runs (step 3 above). */
  private static void awaitOlderTransactions(Connection connection, long x)
      throws SQLException, InterruptedException {
    connection.setAutoCommit(true);
    long started = System.nanoTime();
    long nextLog = started + TimeUnit.SECONDS.toNanos(10);
    try (PreparedStatement ps =
        connection.prepareStatement(
            "/* " + WAITING + " */ SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint")) {
      while (true) {
        long xmin;
        try (ResultSet rs = ps.executeQuery()) {
          rs.next();
          xmin = rs.getLong(1);
        }
        if (xmin > x) return;
        if (System.nanoTime() - nextLog > 0) {
          log.info(
              "changefeed bridge: initial scan waits {} s for transactions older than xid {} to"
                  + " end (oldest running: xid {}; see pg_stat_activity and pg_prepared_xacts)",
              TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started),
              x,
              xmin);
          nextLog = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        }
        // A commit takes microseconds to become visible; only long transactions make this loop.
        Thread.sleep(20);
      }
    } finally {
      connection.setAutoCommit(false);
    }
  }

  private static long single(Statement s, String sql) throws SQLException {
    try (ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static long scan(
      Statement s, String schema, WatchedTable t, String updated, MessageSink sink)
      throws SQLException {
    long rows = 0;
    try (ResultSet rs = s.executeQuery("SELECT * FROM " + schema + "." + t.table())) {
      ResultSetMetaData md = rs.getMetaData();
      ColumnType[] types = new ColumnType[md.getColumnCount() + 1];
      for (int i = 1; i <= md.getColumnCount(); i++) {
        String column = md.getColumnName(i);
        String type = md.getColumnTypeName(i);
        types[i] =
            ColumnType.forPgType(type)
                .orElseThrow(
                    () ->
                        new UnencodableValueException(
                            t.table(), column, "type " + type + " has no CockroachDB encoding"));
      }
      while (rs.next()) {
        Map<String, JsonNode> row = new LinkedHashMap<>();
        for (int i = 1; i <= md.getColumnCount(); i++) {
          try {
            row.put(md.getColumnName(i), types[i].fromJdbc(rs, i));
          } catch (IllegalArgumentException e) {
            throw new UnencodableValueException(t.table(), md.getColumnName(i), e.getMessage());
          }
        }
        sink.send(t.topic(), Envelope.key(t.primaryKey(), row), Envelope.value(null, row, updated));
        rows++;
      }
    }
    return rows;
  }
}
