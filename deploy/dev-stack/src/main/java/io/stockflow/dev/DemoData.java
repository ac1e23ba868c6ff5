package io.stockflow.dev;

import org.jooq.DSLContext;

/**
 * A small beef-jerky brand: five SKUs at a fulfilment centre, a store and a dark store, two sales
 * channels. Inserted once, into the database the dev stack has just created (first start, {@code
 * --fresh}): a restart keeps what you changed and deleted.
 */
public final class DemoData {
  private DemoData() {}

  public static final String DEMO_SKU = "JERKY-TERIYAKI-3OZ";
  public static final String DEMO_LOCATION = "SEA1";

  /**
   * Whether Flyway has migrated this database before (its history table exists), asked before
   * migrating it. information_schema answers alike on PostgreSQL and CockroachDB.
   */
  static boolean migratedBefore(DSLContext sql) {
    return sql.fetchExists(
        sql.selectOne()
            .from("information_schema.tables")
            .where("table_schema = current_schema() AND table_name = 'flyway_schema_history'"));
  }

  /**
   * Every SKU at every location, as seeded; SEA1 holds the most. reorder_point 20, max_stock 150 at
   * the FC.
   */
  private static final String STOCK_EVERYWHERE =
      """
      INSERT INTO inventory_levels (sku, location_id, on_hand, reorder_point, safety_stock, max_stock)
      SELECT s.sku, l.id,
             CASE l.id WHEN 'SEA1' THEN 120 WHEN 'PDX-STORE' THEN 40 ELSE 30 END,
             CASE l.id WHEN 'SEA1' THEN 20 ELSE 8 END,
             CASE l.id WHEN 'SEA1' THEN 5 ELSE 2 END,
             CASE l.id WHEN 'SEA1' THEN 150 ELSE 50 END
      FROM skus s CROSS JOIN locations l""";

  /** Inserts the demo rows in one transaction: a crash leaves all of them or none. */
  public static void seed(DSLContext dsl) {
    dsl.transaction(tx -> insert(tx.dsl()));
  }

  /**
   * Adds one more SKU to seeded demo data, stocked at every location as the demo SKUs were seeded:
   * rows of its own for a test that shares one dev stack with other tests (which may have changed
   * the demo SKUs' rows).
   */
  public static void addSku(DSLContext sql, String sku) {
    sql.transaction(
        tx -> {
          tx.dsl().execute("INSERT INTO skus (sku, name) VALUES (?, ?)", sku, sku);
          tx.dsl().execute(STOCK_EVERYWHERE + " WHERE s.sku = ?", sku);
        });
  }

  private static void insert(DSLContext sql) {
    sql.execute(
        """
        INSERT INTO locations (id, name, kind, region, time_zone, capabilities) VALUES
          ('SEA1', 'Seattle fulfilment centre', 'fulfilment_centre', 'us-west', 'America/Los_Angeles', '["ship","pickup"]'),
          ('PDX-STORE', 'Portland store', 'store', 'us-west', 'America/Los_Angeles', '["pickup"]'),
          ('NYC-DARK', 'Brooklyn dark store', 'dark_store', 'us-east', 'America/New_York', '["delivery"]')""");
    sql.execute(
        """
        INSERT INTO skus (sku, name, unit_price, attributes) VALUES
          ('JERKY-TERIYAKI-3OZ', 'Teriyaki beef jerky 3 oz', 7.99, '{"flavour":"teriyaki","size_oz":3}'),
          ('JERKY-TERIYAKI-8OZ', 'Teriyaki beef jerky 8 oz', 17.49, '{"flavour":"teriyaki","size_oz":8}'),
          ('JERKY-PEPPERED-3OZ', 'Peppered beef jerky 3 oz', 7.99, '{"flavour":"peppered","size_oz":3}'),
          ('JERKY-ORIGINAL-3OZ', 'Original beef jerky 3 oz', 6.99, '{"flavour":"original","size_oz":3}'),
          ('JERKY-SWEETHOT-8OZ', 'Sweet & hot beef jerky 8 oz', 17.49, '{"flavour":"sweet-hot","size_oz":8}')""");
    sql.execute(STOCK_EVERYWHERE);
    sql.execute(
        """
        INSERT INTO channels (id, name) VALUES ('web-store', 'Our web store'), ('marketplace', 'Marketplace listing')""");
  }
}
