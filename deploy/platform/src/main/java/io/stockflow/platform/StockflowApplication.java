package io.stockflow.platform;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.Micronaut;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The platform process: HTTP API, changefeed consumers and Temporal workers, each switched on by
 * {@code stockflow.roles} (env STOCKFLOW_ROLES, default {@code api,consumer,worker}) so the roles
 * scale out independently. Configured by environment variables (see README).
 */
public final class StockflowApplication {
  private StockflowApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args)
        .mainClass(StockflowApplication.class)
        .banner(false)
        .properties(roleSwitches(Map.of()))
        .start();
  }

  /**
   * {@code properties} plus {@code stockflow.api.enabled=false} when the roles lack {@code api}: a
   * consumer- or worker-only process then has no controllers and runs no reservation sweep; its
   * HTTP server still answers {@code /health} and {@code /prometheus}. The roles come from {@code
   * properties}, else the system property, else STOCKFLOW_ROLES, as application.yml resolves them.
   */
  static Map<String, Object> roleSwitches(Map<String, Object> properties) {
    Object roles =
        properties.getOrDefault(
            "stockflow.roles",
            System.getProperty(
                "stockflow.roles",
                Objects.requireNonNullElse(System.getenv("STOCKFLOW_ROLES"), PlatformRoles.ALL)));
    if (new PlatformRoles(String.valueOf(roles)).api()
        || properties.containsKey("stockflow.api.enabled")) return properties;
    Map<String, Object> switched = new HashMap<>(properties);
    switched.put("stockflow.api.enabled", "false");
    return switched;
  }

  /**
   * Starts the platform in this JVM with extra properties (the dev stack passes the embedded
   * servers' addresses) and beans (the dev stack passes its bridge's health).
   */
  public static ApplicationContext start(Map<String, Object> properties, Object... singletons) {
    // Not Micronaut.start(): it registers a JVM shutdown hook of its own, which would stop the
    // platform concurrently with the embedding process's ordered shutdown (and deadlock with it).
    // Whoever calls this closes the context.
    ApplicationContext context =
        ApplicationContext.builder()
            .mainClass(StockflowApplication.class)
            .banner(false)
            .properties(roleSwitches(properties))
            .singletons(singletons)
            .start();
    try {
      context
          .findBean(EmbeddedApplication.class)
          .filter(app -> !app.isRunning())
          .ifPresent(EmbeddedApplication::start);
    } catch (RuntimeException e) {
      context.close();
      throw e;
    }
    return context;
  }
}
