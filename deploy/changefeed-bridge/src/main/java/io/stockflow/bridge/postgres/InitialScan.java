package io.stockflow.bridge.postgres;

import com.fasterxml.jackson.databind.JsonNode;
import io.stockflow.bridge.encoding.ColumnType;
import io.stockflow.bridge.encoding.Envelope;
import io.stockflow.bridge.encoding.UnencodableValueException;
import io.stockflow.bridge.stream.KafkaSink;
import io.stockflow.db.changefeed.WatchedTable;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * CockroachDB's {@code initial_scan}: emits every current row of the watched tables once, as
 * inserts ({@code "before": null}), all with the same {@code updated}.
 *
 * <p>The scan reads all tables in one REPEATABLE READ transaction, i.e. one consistent snapshot,
 * and stamps every row with that transaction's start time {@code now()}. It runs after the
 * replication slot exists, so every commit the snapshot misses is in the slot; such a commit
 * happened after the snapshot was taken, hence after {@code now()}, so its {@code updated} is
 * larger than the scanned row's and the consumer's HLC fence orders them correctly. A commit both
 * in the snapshot and in the slot is emitted twice (a duplicate, as CockroachDB allows).
 *
 * <p>Not thread-safe; runs once before streaming starts.
 */
public final class InitialScan {
  private static final Logger log = LoggerFactory.getLogger(InitialScan.class);

  private InitialScan() {}

  /**
   * Scans {@code tables} and sends their rows; returns the number of rows sent. The caller flushes
   * the sink before recording that the scan is done.
   *
   * @param onUnencodable told about a table whose rows cannot be encoded; its rows are not sent
   */
  public static long run(
      Connection connection,
      String schema,
      List<WatchedTable> tables,
      KafkaSink sink,
      BiConsumer<WatchedTable, UnencodableValueException> onUnencodable)
      throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    connection.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
    connection.setReadOnly(true);
    long rows = 0;
    try (Statement s = connection.createStatement()) {
      s.setFetchSize(1000);
      String updated;
      try (ResultSet rs = s.executeQuery("SELECT now()")) {
        rs.next();
        updated = Envelope.hlc(rs.getObject(1, OffsetDateTime.class).toInstant());
      }
      for (WatchedTable t : tables) {
        try {
          rows += scan(s, schema, t, updated, sink);
        } catch (UnencodableValueException e) {
          onUnencodable.accept(t, e);
        }
      }
      connection.commit();
      log.info("changefeed bridge: initial scan sent {} rows at {}", rows, updated);
      return rows;
    } finally {
      connection.setReadOnly(false);
      connection.setAutoCommit(autoCommit);
    }
  }

  private static long scan(
      Statement s, String schema, WatchedTable t, String updated, KafkaSink sink)
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
