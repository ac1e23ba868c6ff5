package io.stockflow.bridge.support;

import io.stockflow.db.Database;
import io.stockflow.testsupport.KafkaExtension;
import io.stockflow.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What a bridge test class streams between: a migrated PostgreSQL database of its own (logical WAL)
 * and a Kafka broker without topics, both from test-support (servers shared by the module's test
 * JVM). Register it on a static field: {@code @RegisterExtension static final TestStack stack = new
 * TestStack();}
 */
public final class TestStack implements BeforeAllCallback {
  private final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);
  private final KafkaExtension kafka = new KafkaExtension();

  @Override
  public void beforeAll(ExtensionContext context) {
    postgres.beforeAll(context);
    kafka.beforeAll(context);
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
}
