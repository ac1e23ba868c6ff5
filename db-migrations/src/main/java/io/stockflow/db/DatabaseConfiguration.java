package io.stockflow.db;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code stockflow.database.*}: the database every role uses.
 *
 * @param url pgjdbc URL of PostgreSQL or CockroachDB, user and password as URL parameters; required
 *     (the dev stack passes its embedded server's)
 * @param poolSize the most connections the process holds (they bound the worker's activities and
 *     the API's concurrent transactions)
 * @param migrate apply the migrations on start; {@code false} where another process migrates
 */
@ConfigurationProperties("stockflow.database")
public record DatabaseConfiguration(
    @Nullable String url,
    @Bindable(defaultValue = "20") int poolSize,
    @Bindable(defaultValue = "true") boolean migrate) {

  public DatabaseConfiguration {
    if (url == null || url.isBlank())
      throw new IllegalArgumentException(
          "stockflow.database.url is required (environment variable STOCKFLOW_DATABASE_URL)");
    SettingChecks.atLeast("stockflow.database.pool-size", poolSize, 1);
  }
}
