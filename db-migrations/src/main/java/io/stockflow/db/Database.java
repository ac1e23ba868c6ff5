package io.stockflow.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The one way to reach the database (a {@link DataSource}: pooled for the platform's roles,
 * unpooled for a tool or one long-lived connection), schema migration and jOOQ setup. CockroachDB
 * speaks the PostgreSQL wire protocol and the subset of SQL we use, so jOOQ renders the POSTGRES
 * dialect for both.
 */
public final class Database {
  private Database() {}

  /**
   * A connection pool of at most {@code maxSize} connections to {@code jdbcUrl}; the caller closes
   * it.
   */
  public static HikariDataSource pool(String jdbcUrl, int maxSize) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(jdbcUrl);
    cfg.setMaximumPoolSize(maxSize);
    cfg.setPoolName("stockflow");
    return new HikariDataSource(cfg);
  }

  /**
   * Every {@code getConnection()} opens a new connection (closed by its user): for tools and
   * components that hold one connection for long (the changefeed bridge's replication setup, its
   * resolved markers), where a pool would only add a thread and a size to configure.
   */
  public static DataSource unpooled(String jdbcUrl) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbcUrl);
    return ds;
  }

  /** The two databases stockflow runs on. */
  public enum Vendor {
    POSTGRESQL,
    COCKROACHDB;

    /** The migration folder holding this vendor's dialect-specific files. */
    public String folder() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * Applies the migrations: {@code db/migration/common} everywhere, plus {@code
   * db/migration/<vendor>} where a dialect truly differs (the same version number exists in both
   * vendor folders). Flyway itself does not resolve a vendor placeholder in locations, so we ask
   * the server.
   */
  public static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations(
            "classpath:db/migration/common",
            "classpath:db/migration/" + vendor(dataSource).folder())
        .load()
        .migrate();
  }

  /**
   * CockroachDB announces itself in {@code version()}; everything else is treated as PostgreSQL.
   */
  public static Vendor vendor(DataSource dataSource) {
    try (Connection c = dataSource.getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT version()")) {
      rs.next();
      return rs.getString(1).contains("CockroachDB") ? Vendor.COCKROACHDB : Vendor.POSTGRESQL;
    } catch (SQLException e) {
      throw new IllegalStateException(
          "cannot reach the database to detect its vendor: " + e.getMessage(), e);
    }
  }

  public static DSLContext dsl(DataSource dataSource) {
    return DSL.using(
        dataSource,
        SQLDialect.POSTGRES,
        new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED));
  }
}
