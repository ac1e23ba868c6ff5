package io.stockflow.db;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The database beans every role uses: a pooled DataSource from {@code stockflow.database.url}
 * (PostgreSQL or CockroachDB, any pgjdbc URL), migrated on start unless {@code
 * stockflow.database.migrate=false}, plus jOOQ and the 40001 retry helper.
 */
@Factory
public class DatabaseFactory {
  private static final Logger log = LoggerFactory.getLogger(DatabaseFactory.class);

  @Singleton
  @Bean(preDestroy = "close")
  public HikariDataSource dataSource(
      @Value("${stockflow.database.url}") String url,
      @Value("${stockflow.database.pool-size:20}") int poolSize,
      @Value("${stockflow.database.migrate:true}") boolean migrate) {
    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(url);
    cfg.setMaximumPoolSize(poolSize);
    cfg.setPoolName("stockflow");
    HikariDataSource ds = new HikariDataSource(cfg);
    if (migrate) {
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
