package io.stockflow.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.db.Database;
import io.stockflow.e2e.SharedDevStack;
import io.stockflow.testsupport.PostgresExtension;
import javax.sql.DataSource;
import org.jooq.DSLContext;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * The dev stack's database step at each start ({@link DevStack#migrate}) against a real PostgreSQL:
 * demo data goes only into a database it has just created.
 */
// A few seconds: it runs in the shared stack's lane, the shorter of the two.
@ResourceLock(SharedDevStack.LOCK)
class DemoDataSeedingIT {
  /** Empty databases, as a first start finds them. */
  @RegisterExtension
  static final PostgresExtension postgres = PostgresExtension.withTemplate("empty", ds -> {});

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

  /**
   * Each test an empty database of its own on the class's server (the class's database is shared by
   * both tests); the server and its databases go when the test JVM ends.
   */
  static DataSource newDatabase(String suffix) {
    String name = postgres.databaseName() + "_" + suffix;
    Database.dsl(postgres.dataSource()).execute("CREATE DATABASE " + name);
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(postgres.jdbcUrl().replace("/" + postgres.databaseName() + "?", "/" + name + "?"));
    return ds;
  }
}
