package io.stockflow.api.support;

import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.micronaut.test.support.TestPropertyProvider;
import io.stockflow.db.Database;
import io.stockflow.testsupport.PostgresExtension;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Base of the API integration tests: a migrated PostgreSQL database per test class (created before
 * the Micronaut context, dropped after it; the server is shared by the module's test JVM), the real
 * HTTP server, and helpers to seed rows and to prove that a refused request changed nothing.
 * Subclasses are {@code @MicronautTest}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class ApiIT implements TestPropertyProvider {
  public static final String OPS_KEY = "test-ops-key-0123456789";
  public static final String ASSOCIATE_KEY = "test-associate-key-0123456789";
  public static final String CHANNEL_KEY = "test-channel-key-0123456789";

  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  private final List<ApplicationContext> otherInstances = new ArrayList<>();

  @Inject protected EmbeddedServer server;
  @Inject protected DSLContext sql;

  @Override
  public Map<String, String> getProperties() {
    return instanceProperties();
  }

  /** Extra configuration of the test class's API (and of {@link #anotherInstance}). */
  protected Map<String, String> moreProperties() {
    return Map.of();
  }

  /** The JDBC URL of the class's database (for a connection that holds locks in a test). */
  protected String jdbcUrl() {
    return postgres.jdbcUrl();
  }

  /**
   * A second API instance (its own Micronaut context and HTTP server) on the same database, as in a
   * deployment with several instances behind a load balancer. Stopped after the class.
   */
  protected EmbeddedServer anotherInstance() {
    Map<String, Object> properties = new HashMap<>(instanceProperties());
    properties.put("micronaut.server.port", "-1");
    ApplicationContext ctx =
        ApplicationContext.builder().environments("test").properties(properties).start();
    otherInstances.add(ctx);
    EmbeddedServer other = ctx.getBean(EmbeddedServer.class);
    other.start();
    return other;
  }

  private Map<String, String> instanceProperties() {
    Map<String, String> properties = new HashMap<>(moreProperties());
    // No periodic reservation sweep in the tests unless a class asks for one: it would release
    // holds on its own schedule; the sweep's tests drive it directly with fixed instants.
    properties.putIfAbsent("stockflow.reservations.sweep.enabled", "false");
    properties.put("stockflow.database.url", postgres.jdbcUrl());
    properties.put("stockflow.database.pool-size", "16");
    properties.put("stockflow.api.keys." + OPS_KEY, "ops");
    properties.put("stockflow.api.keys." + ASSOCIATE_KEY, "associate");
    properties.put("stockflow.api.keys." + CHANNEL_KEY, "channel");
    return properties;
  }

  @AfterAll
  void stopOtherInstances() {
    otherInstances.forEach(ApplicationContext::close);
  }

  protected Http http(String apiKey) {
    return new Http(server.getURI(), apiKey);
  }

  protected Http ops() {
    return http(OPS_KEY);
  }

  protected Http associate() {
    return http(ASSOCIATE_KEY);
  }

  protected Http channel() {
    return http(CHANNEL_KEY);
  }

  protected void location(String id, String region) {
    sql.execute(
        "INSERT INTO locations (id, name, kind, region) VALUES (?, ?, 'fulfilment_centre', ?)",
        id,
        id + " FC",
        region);
  }

  protected void sku(String sku) {
    sql.execute("INSERT INTO skus (sku, name, unit_price) VALUES (?, ?, 9.99)", sku, sku);
  }

  protected void stock(String sku, String location, long onHand) {
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand) VALUES (?, ?, ?)",
        sku,
        location,
        onHand);
  }

  /** on_hand, allocated, reserved, damaged, in_transit_in, in_transit_out of one row. */
  protected List<Long> levels(String sku, String location) {
    Record r =
        sql.select(
                INVENTORY_LEVELS.ON_HAND,
                INVENTORY_LEVELS.ALLOCATED,
                INVENTORY_LEVELS.RESERVED,
                INVENTORY_LEVELS.DAMAGED,
                INVENTORY_LEVELS.IN_TRANSIT_IN,
                INVENTORY_LEVELS.IN_TRANSIT_OUT)
            .from(INVENTORY_LEVELS)
            .where(INVENTORY_LEVELS.SKU.eq(sku))
            .and(INVENTORY_LEVELS.LOCATION_ID.eq(location))
            .fetchOne();
    List<Long> values = new ArrayList<>();
    for (int i = 0; i < r.size(); i++) values.add(r.get(i, Long.class));
    return values;
  }

  /**
   * Every row of every table the API writes, as text: equal snapshots before and after a refused
   * request prove it changed nothing.
   */
  protected List<String> snapshot() {
    List<String> rows = new ArrayList<>();
    for (String table :
        List.of(
            "inventory_levels",
            "reservations",
            "orders",
            "order_lines",
            "inventory_adjustments",
            "api_idempotency_keys",
            "locations",
            "skus")) {
      sql.fetch("SELECT * FROM " + table + " ORDER BY 1, 2")
          .forEach(r -> rows.add(table + ":" + r.formatCSV(false)));
    }
    return rows;
  }
}
