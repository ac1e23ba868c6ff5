package io.stockflow.db;

import javax.sql.DataSource;
import org.flywaydb.core.Flyway;
import org.jooq.DSLContext;
import org.jooq.SQLDialect;
import org.jooq.conf.RenderQuotedNames;
import org.jooq.conf.Settings;
import org.jooq.impl.DSL;

/**
 * Schema migration and jOOQ setup shared by every role. CockroachDB speaks the PostgreSQL wire
 * protocol and the subset of SQL we use, so jOOQ renders the POSTGRES dialect for both.
 */
public final class Database {
  private Database() {}

  /**
   * Applies the migrations: {@code db/migration/common} everywhere, plus {@code
   * db/migration/<vendor>} where a dialect truly differs (Flyway resolves {vendor} to {@code
   * postgresql} or {@code cockroachdb}).
   */
  public static void migrate(DataSource dataSource) {
    Flyway.configure()
        .dataSource(dataSource)
        .locations("classpath:db/migration/common", "classpath:db/migration/{vendor}")
        .load()
        .migrate();
  }

  public static DSLContext dsl(DataSource dataSource) {
    return DSL.using(
        dataSource,
        SQLDialect.POSTGRES,
        new Settings().withRenderQuotedNames(RenderQuotedNames.EXPLICIT_DEFAULT_UNQUOTED));
  }
}
