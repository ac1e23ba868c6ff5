package io.stockflow.bridge.postgres;

import io.stockflow.bridge.encoding.ColumnType;
import io.stockflow.bridge.encoding.UnencodableValueException;
import io.stockflow.db.changefeed.WatchedTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Prepares PostgreSQL for the bridge; every step is idempotent, so it runs on every start.
 *
 * <ol>
 *   <li>Checks each watched table: it exists in the current schema, its primary key is the declared
 *       one, and every column has a type the bridge can encode ({@link ColumnType}). A table that
 *       fails is left out of the feed and reported with table and column.
 *   <li>Sets {@code REPLICA IDENTITY FULL} on the remaining tables (only where not yet set, since
 *       the statement takes an exclusive lock). pgoutput sends the old row of an UPDATE or DELETE
 *       only for the replica-identity columns, which by default are just the primary key; FULL
 *       makes PostgreSQL log every old column (with TOASTed values flattened), which is what
 *       CockroachDB's {@code diff} option gives as {@code before}. The cost is larger WAL records
 *       for updates and deletes.
 *   <li>Creates the publication for exactly those tables, or resets its table list; it publishes
 *       insert, update and delete (a CockroachDB changefeed has no TRUNCATE message).
 *   <li>Creates the logical replication slot (pgoutput) when absent, so every commit from then on
 *       is retained for the bridge even before Debezium connects.
 * </ol>
 *
 * Not thread-safe; used once per start.
 */
public final class PostgresSetup {
  private static final Logger log = LoggerFactory.getLogger(PostgresSetup.class);
  private static final Pattern IDENTIFIER = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  private final Connection connection;

  public PostgresSetup(Connection connection) {
    this.connection = connection;
  }

  /** What {@link #prepare} found. */
  public record Prepared(
      String schema, List<WatchedTable> active, Map<String, String> stopped, boolean slotCreated) {}

  /**
   * Runs the four steps.
   *
   * @throws SQLException when the database refuses a statement (e.g. wal_level is not logical)
   */
  public Prepared prepare(List<WatchedTable> tables, String publication, String slot)
      throws SQLException {
    requireIdentifier("publication name", publication);
    requireIdentifier("replication slot name", slot);
    requireLogicalWal();
    String schema = currentSchema();
    List<WatchedTable> active = new ArrayList<>();
    Map<String, String> stopped = new LinkedHashMap<>();
    for (WatchedTable t : tables) {
      try {
        check(schema, t);
        active.add(t);
      } catch (UnencodableValueException | IllegalArgumentException e) {
        log.error("changefeed bridge: table {} is not streamed: {}", t.table(), e.getMessage());
        stopped.put(t.table(), e.getMessage());
      }
    }
    for (WatchedTable t : active) ensureReplicaIdentityFull(schema, t.table());
    ensurePublication(publication, active);
    boolean created = ensureSlot(slot);
    return new Prepared(schema, List.copyOf(active), Map.copyOf(stopped), created);
  }

  private void requireLogicalWal() throws SQLException {
    String level = single("SHOW wal_level");
    if (!"logical".equals(level))
      throw new SQLException(
          "the changefeed bridge needs wal_level=logical (the server runs with "
              + level
              + "); set it in postgresql.conf and restart PostgreSQL");
  }

  private void check(String schema, WatchedTable t) throws SQLException {
    requireIdentifier("table name", t.table());
    Map<String, String> columns = new LinkedHashMap<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT a.attname, t.typname FROM pg_attribute a"
                + " JOIN pg_class c ON c.oid = a.attrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_type t ON t.oid = a.atttypid"
                + " WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')"
                + " AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")) {
      ps.setString(1, schema);
      ps.setString(2, t.table());
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) columns.put(rs.getString(1), rs.getString(2));
      }
    }
    if (columns.isEmpty())
      throw new IllegalArgumentException("table " + schema + "." + t.table() + " does not exist");
    columns.forEach(
        (column, type) -> {
          if (ColumnType.forPgType(type).isEmpty())
            throw new UnencodableValueException(
                t.table(), column, "type " + type + " has no CockroachDB changefeed encoding here");
        });
    List<String> pk = primaryKey(schema, t.table());
    if (!pk.equals(t.primaryKey()))
      throw new IllegalArgumentException(
          "table "
              + t.table()
              + " has primary key "
              + pk
              + " but the changefeed declaration says "
              + t.primaryKey());
  }

  private List<String> primaryKey(String schema, String table) throws SQLException {
    List<String> pk = new ArrayList<>();
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT a.attname FROM pg_index i"
                + " JOIN pg_class c ON c.oid = i.indrelid"
                + " JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)"
                + " WHERE n.nspname = ? AND c.relname = ? AND i.indisprimary"
                + " ORDER BY array_position(i.indkey::int2[], a.attnum)")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) pk.add(rs.getString(1));
      }
    }
    return pk;
  }

  private void ensureReplicaIdentityFull(String schema, String table) throws SQLException {
    String identity;
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT c.relreplident FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace"
                + " WHERE n.nspname = ? AND c.relname = ?")) {
      ps.setString(1, schema);
      ps.setString(2, table);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        identity = rs.getString(1);
      }
    }
    if ("f".equals(identity)) return;
    try (Statement s = connection.createStatement()) {
      s.execute("ALTER TABLE " + schema + "." + table + " REPLICA IDENTITY FULL");
    }
    log.info("changefeed bridge: set REPLICA IDENTITY FULL on {}", table);
  }

  private void ensurePublication(String publication, List<WatchedTable> tables)
      throws SQLException {
    boolean exists;
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
      ps.setString(1, publication);
      try (ResultSet rs = ps.executeQuery()) {
        exists = rs.next();
      }
    }
    String list = tables.stream().map(WatchedTable::table).collect(Collectors.joining(", "));
    try (Statement s = connection.createStatement()) {
      if (!exists) {
        s.execute(
            "CREATE PUBLICATION "
                + publication
                + (list.isEmpty() ? "" : " FOR TABLE " + list)
                + " WITH (publish = 'insert, update, delete')");
        log.info("changefeed bridge: created publication {} for [{}]", publication, list);
      } else {
        if (!list.isEmpty()) s.execute("ALTER PUBLICATION " + publication + " SET TABLE " + list);
        s.execute("ALTER PUBLICATION " + publication + " SET (publish = 'insert, update, delete')");
      }
    }
  }

  private boolean ensureSlot(String slot) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement(
            "SELECT plugin FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        if (rs.next()) {
          if (!"pgoutput".equals(rs.getString(1)))
            throw new SQLException(
                "replication slot " + slot + " uses plugin " + rs.getString(1) + ", not pgoutput");
          return false;
        }
      }
    }
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
      ps.setString(1, slot);
      ps.execute();
    }
    log.info("changefeed bridge: created replication slot {}", slot);
    return true;
  }

  /** Whether the logical replication slot {@code slot} exists. */
  public boolean slotExists(String slot) throws SQLException {
    try (PreparedStatement ps =
        connection.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE slot_name = ?")) {
      ps.setString(1, slot);
      try (ResultSet rs = ps.executeQuery()) {
        return rs.next();
      }
    }
  }

  private String currentSchema() throws SQLException {
    return single("SELECT current_schema()");
  }

  private String single(String sql) throws SQLException {
    try (Statement s = connection.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  static void requireIdentifier(String what, String name) {
    if (name == null || !IDENTIFIER.matcher(name).matches())
      throw new IllegalArgumentException(
          what + " must be a lower-case SQL identifier ([a-z_][a-z0-9_]*), got: " + name);
  }
}
