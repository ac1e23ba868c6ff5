package io.stockflow.db;

import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database beans every role uses: the pooled DataSource of {@link DatabaseConfiguration},
 * migrated on start unless {@code stockflow.database.migrate=false}, plus jOOQ and the 40001 retry
 * helper.
 */
@Factory
public class DatabaseFactory {
  private static final Logger log = LoggerFactory.getLogger(DatabaseFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  public HikariDataSource dataSource(DatabaseConfiguration config) {
    HikariDataSource ds = Database.pool(config.url(), config.poolSize());
    if (config.migrate()) {
      Database.migrate(ds);
      log.info("database migrated");
    }
    return ds;
  }

  @Singleton
  public DSLContext dsl(DataSource dataSource) {
    return Database.dsl(dataSource);
  }

  @Singleton
  public Transactions transactions(DSLContext dsl) {
    return new Transactions(dsl);
  }
}
