package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockflow.db.EnvironmentSettings;
import io.stockflow.embedded.Ports;
import io.stockflow.testsupport.PostgresExtension;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The deployment's one-shot {@code migrate} job against a real, empty PostgreSQL database. */
class MigrateCommandIT {
  @RegisterExtension
  static final PostgresExtension postgres = PostgresExtension.withTemplate("empty", ds -> {});

  @Test
  void migratesAnEmptyDatabaseAndSucceedsAgainOnAMigratedOne() throws Exception {
    EnvironmentSettings env =
        EnvironmentSettings.of(Map.of("STOCKFLOW_DATABASE_URL", postgres.jdbcUrl()));
    assertThat(MigrateCommand.run(env)).isEqualTo(0);
    long applied = appliedMigrations();
    assertThat(applied).isGreaterThan(10);
    assertThat(MigrateCommand.run(env)).isEqualTo(0);
    assertThat(appliedMigrations()).isEqualTo(applied);
  }

  @Test
  void failsWithStatusOneWhenTheDatabaseIsUnreachableOrUnset() {
    assertThat(
            MigrateCommand.run(
                EnvironmentSettings.of(
                    Map.of(
                        "STOCKFLOW_DATABASE_URL",
                        "jdbc:postgresql://127.0.0.1:" + Ports.free() + "/none?connectTimeout=2"))))
        .isEqualTo(1);
    assertThat(MigrateCommand.run(EnvironmentSettings.of(Map.of()))).isEqualTo(1);
  }

  @Test
  void partitionsComeFromTheSettingElseTheDeclaration() {
    assertThat(MigrateCommand.feed(EnvironmentSettings.of(Map.of())).partitions()).isEqualTo(3);
    assertThat(
            MigrateCommand.feed(
                    EnvironmentSettings.of(Map.of("STOCKFLOW_CHANGEFEED_PARTITIONS", "12")))
                .partitions())
        .isEqualTo(12);
    assertThatThrownBy(
            () ->
                MigrateCommand.feed(
                    EnvironmentSettings.of(Map.of("STOCKFLOW_CHANGEFEED_PARTITIONS", "six"))))
        .hasMessageContaining("stockflow.changefeed.partitions=six");
  }

  private static long appliedMigrations() throws Exception {
    try (Connection c = postgres.dataSource().getConnection();
        ResultSet rs =
            c.createStatement()
                .executeQuery("SELECT count(*) FROM flyway_schema_history WHERE success")) {
      rs.next();
      return rs.getLong(1);
    }
  }
}
