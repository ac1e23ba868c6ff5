package io.stockflow.platform;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.stockflow.api.security.ApiKeys;
import io.stockflow.db.Database;
import io.stockflow.embedded.Ports;
import io.stockflow.testsupport.PostgresExtension;
import java.util.HashMap;
import java.util.Map;
import javax.sql.DataSource;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The platform in the api role alone, for the ITs that call it over HTTP as a client would: before
 * the test class, a migrated PostgreSQL database of the class's own (test-support's {@link
 * PostgresExtension}) and the platform on it, its HTTP server on a free loopback port, with the
 * given API keys; after the class the platform stops (and then the database is dropped). Register
 * it in a static {@code @RegisterExtension} field.
 */
final class ApiOnlyPlatform implements BeforeAllCallback, AfterAllCallback {
  private final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);
  private final Map<String, String> keys;
  private ApplicationContext platform;
  private String base;

  /**
   * @param keys each API key and its roles (comma-separated, as in {@code stockflow.api.keys})
   */
  ApiOnlyPlatform(Map<String, String> keys) {
    this.keys = Map.copyOf(keys);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    postgres.beforeAll(context);
    Map<String, Object> props = new HashMap<>();
    props.put("stockflow.roles", "api");
    props.put("stockflow.database.url", postgres.jdbcUrl());
    // The database is a copy of the migrated template.
    props.put("stockflow.database.migrate", "false");
    props.put("micronaut.server.host", Ports.LOOPBACK);
    props.put("micronaut.server.port", Ports.free());
    // Never contacted by an api-only process; set so nothing reaches for a developer's servers.
    props.put("stockflow.kafka.bootstrap", Ports.LOOPBACK + ":" + Ports.free());
    props.put("stockflow.temporal.target", Ports.LOOPBACK + ":" + Ports.free());
    keys.forEach((key, roles) -> props.put(ApiKeys.PROPERTY + "." + key, roles));
    platform = StockflowApplication.start(props);
    base = platform.getBean(EmbeddedServer.class).getURL().toString().replaceFirst("/$", "");
  }

  @Override
  public void afterAll(ExtensionContext context) {
    if (platform != null) platform.close();
    platform = null;
  }

  /** The HTTP server's root URL without a trailing slash, e.g. {@code http://127.0.0.1:40123}. */
  String base() {
    return base;
  }

  /** The test class's database, for rows a test writes directly. */
  DataSource dataSource() {
    return postgres.dataSource();
  }
}
