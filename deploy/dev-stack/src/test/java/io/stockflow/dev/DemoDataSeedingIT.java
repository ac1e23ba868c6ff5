package io.stockflow.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.db.Database;
import io.stockflow.embedded.EmbeddedPostgresServer;
import io.stockflow.embedded.Ports;
import java.nio.file.Path;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The dev stack's database step at each start ({@link DevStack#migrate}) against a real PostgreSQL:
 * demo data goes only into a database it has just created.
 */
class DemoDataSeedingIT {
  @TempDir static Path dir;
  static EmbeddedPostgresServer pg;

  @BeforeAll
  static void start() {
    pg = EmbeddedPostgresServer.start(dir.resolve("pg"), Ports.free());
  }

  @AfterAll
  static void stop() {
    if (pg != null) pg.close();
  }

  @Test
  void aRestartWithDataKeptDoesNotBringBackARowAnAssociateDeleted() {
    DataSource ds = newDatabase("restarted");
    DSLContext sql = Database.dsl(ds);
    assertThat(DevStack.migrate(ds, true)).as("first start seeds").isTrue();
    assertThat(sql.fetchCount(sql.selectFrom("inventory_levels"))).isEqualTo(15);

    sql.execute(
        "DELETE FROM inventory_levels WHERE sku = ? AND location_id = ?",
        DemoData.DEMO_SKU,
        DemoData.DEMO_LOCATION);
    assertThat(DevStack.migrate(ds, true)).as("restart seeds again").isFalse();

    assertThat(sql.fetchCount(sql.selectFrom("inventory_levels"))).isEqualTo(14);
    assertThat(
            sql.fetchCount(
                sql.selectFrom("inventory_levels")
                    .where(
                        "sku = ? AND location_id = ?", DemoData.DEMO_SKU, DemoData.DEMO_LOCATION)))
        .isZero();
  }

  @Test
  void aNewDatabaseStartedWithoutSeedingGetsNoDemoData() {
    DataSource ds = newDatabase("unseeded");
    assertThat(DevStack.migrate(ds, false)).isFalse();
    DSLContext sql = Database.dsl(ds);
    assertThat(sql.fetchCount(sql.selectFrom("locations"))).isZero();
    assertThat(sql.fetchCount(sql.selectFrom("inventory_levels"))).isZero();
  }

  /** Each test its own empty database on the one server, as a first start would find it. */
  static DataSource newDatabase(String name) {
    Database.dsl(pg.dataSource()).execute("CREATE DATABASE " + name);
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(pg.jdbcUrl().replace("/" + EmbeddedPostgresServer.DATABASE + "?", "/" + name + "?"));
    return ds;
  }
}
