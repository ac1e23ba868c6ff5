package io.stockflow.bridge.support;

import io.stockflow.db.Database;
import io.stockflow.embedded.EmbeddedKafkaBroker;
import io.stockflow.embedded.EmbeddedPostgresServer;
import io.stockflow.embedded.Ports;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A real PostgreSQL (logical WAL, stockflow schema migrated) and a real Kafka broker for one test
 * class. Closing stops both, in reverse order.
 */
public final class TestStack implements AutoCloseable {
  public final EmbeddedPostgresServer postgres;
  public final EmbeddedKafkaBroker kafka;

  private TestStack(EmbeddedPostgresServer postgres, EmbeddedKafkaBroker kafka) {
    this.postgres = postgres;
    this.kafka = kafka;
  }

  public static TestStack start(Path dir) {
    EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"), Ports.free());
    try {
      Database.migrate(pg.dataSource());
      EmbeddedKafkaBroker kafka =
          EmbeddedKafkaBroker.start(dir.resolve("kafka"), Ports.free(), Ports.free(), 3);
      return new TestStack(pg, kafka);
    } catch (RuntimeException e) {
      pg.close();
      throw e;
    }
  }

  public String jdbcUrl() {
    return postgres.jdbcUrl();
  }

  public String bootstrap() {
    return kafka.bootstrapServers();
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(jdbcUrl());
  }

  /** Runs statements in one transaction. */
  public void tx(String... sql) throws SQLException {
    try (Connection c = connect()) {
      c.setAutoCommit(false);
      try (Statement s = c.createStatement()) {
        for (String q : sql) s.execute(q);
      }
      c.commit();
    }
  }

  @Override
  public void close() {
    try {
      kafka.close();
    } finally {
      postgres.close();
    }
  }
}
