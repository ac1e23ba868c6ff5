package io.stockflow.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL server on loopback (zonky's embedded binaries), configured for logical decoding
 * so the changefeed bridge can stream its WAL. Data lives in {@code dataDir} and survives restarts.
 *
 * <p>synchronous_commit stays on: logical decoding only ships flushed WAL, and turning it off
 * delays every change by the WAL writer's flush interval.
 */
public final class EmbeddedPostgresServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedPostgresServer.class);
  public static final String DATABASE = "stockflow";
  public static final String USER = "postgres";

  private final EmbeddedPostgres pg;
  private final int port;

  private EmbeddedPostgresServer(EmbeddedPostgres pg, int port) {
    this.pg = pg;
    this.port = port;
  }

  /**
   * Starts PostgreSQL on 127.0.0.1:{@code port} with its data under {@code dataDir} (created when
   * missing) and makes sure the {@value #DATABASE} database exists.
   */
  public static EmbeddedPostgresServer start(Path dataDir, int port) {
    return start(dataDir, port, true);
  }

  /**
   * As {@link #start(Path, int)} for a test server, whose data no operating-system crash has to
   * survive: fsync is off, so a commit does not wait for the disk (about 6 ms per commit on a
   * shared CI disk). The WAL is still written and counts as flushed, so logical decoding streams it
   * as before; only a machine crash could lose it.
   */
  public static EmbeddedPostgresServer startForTests(Path dataDir, int port) {
    return start(dataDir, port, false);
  }

  private static EmbeddedPostgresServer start(Path dataDir, int port, boolean fsync) {
    stopLeftBehind(dataDir);
    Ports.requireFree("PostgreSQL", port, "STOCKFLOW_PG_PORT");
    try {
      Files.createDirectories(dataDir);
      boolean initialised = Files.exists(dataDir.resolve("PG_VERSION"));
      EmbeddedPostgres pg =
          EmbeddedPostgres.builder()
              .setPort(port)
              .setDataDirectory(dataDir)
              .setCleanDataDirectory(false)
              .setRegisterShutdownHook(false)
              .setPGStartupWait(Duration.ofSeconds(60))
              .setServerConfig("listen_addresses", Ports.LOOPBACK)
              .setServerConfig("wal_level", "logical")
              .setServerConfig("max_replication_slots", "10")
              .setServerConfig("max_wal_senders", "10")
              .setServerConfig("max_connections", "200")
              .setServerConfig("synchronous_commit", "on")
              .setServerConfig("fsync", fsync ? "on" : "off")
              .setServerConfig("timezone", "UTC")
              .setOutputRedirector(ProcessBuilder.Redirect.DISCARD)
              .setErrorRedirector(
                  ProcessBuilder.Redirect.appendTo(dataDir.resolveSibling("postgres.log").toFile()))
              .start();
      EmbeddedPostgresServer server = new EmbeddedPostgresServer(pg, port);
      server.ensureDatabase();
      log.debug("PostgreSQL data directory {} ({})", dataDir, initialised ? "reused" : "new");
      return server;
    } catch (IOException e) {
      throw new StartupException(
          "PostgreSQL",
          "failed to start (" + e.getMessage() + ")",
          "see "
              + dataDir.resolveSibling("postgres.log")
              + "; start fresh with --fresh if the data is corrupt",
          e);
    }
  }

  /**
   * The postmaster of {@code dataDir} that a crashed launcher left running (pg_ctl starts it
   * detached, so it outlives a JVM killed with -9). PostgreSQL's own {@code postmaster.pid} names
   * it; SIGINT is its fast shutdown (what {@code pg_ctl stop -m fast} sends), which rolls back open
   * transactions and checkpoints, so the next start needs no crash recovery.
   */
  static void stopLeftBehind(Path dataDir) {
    LeftBehind.find(dataDir.resolve("postmaster.pid"), dataDir)
        .ifPresent(pg -> LeftBehind.stop("PostgreSQL", pg, "INT", Duration.ofSeconds(30)));
  }

  private void ensureDatabase() throws IOException {
    try (Connection c = pg.getPostgresDatabase().getConnection();
        Statement s = c.createStatement()) {
      try (ResultSet rs =
          s.executeQuery("SELECT 1 FROM pg_database WHERE datname = '" + DATABASE + "'")) {
        if (rs.next()) return;
      }
      s.execute("CREATE DATABASE " + DATABASE);
    } catch (java.sql.SQLException e) {
      throw new IOException("cannot create database " + DATABASE + ": " + e.getMessage(), e);
    }
  }

  public int port() {
    return port;
  }

  /** JDBC URL of the {@value #DATABASE} database. */
  public String jdbcUrl() {
    return "jdbc:postgresql://" + Ports.LOOPBACK + ":" + port + "/" + DATABASE + "?user=" + USER;
  }

  /** A DataSource of the {@value #DATABASE} database (unpooled; fine for tests and migrations). */
  public DataSource dataSource() {
    return pg.getDatabase(USER, DATABASE);
  }

  @Override
  public void close() {
    try {
      pg.close();
    } catch (IOException e) {
      log.warn("PostgreSQL did not stop cleanly: {}", e.getMessage());
    }
  }
}
