package io.stockflow.platform;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.Micronaut;
import io.stockflow.db.EnvironmentSettings;
import java.util.HashMap;
import java.util.Map;

/**
 * The platform process: HTTP API, changefeed consumers and Temporal workers, each switched on by
 * {@code stockflow.roles} (env STOCKFLOW_ROLES, default {@code api,consumer,worker}) so the roles
 * scale out independently. Configured by properties or their environment variables
 * (docs/configuration.md). With the argument {@code migrate} it runs the one-shot migration job
 * instead ({@link MigrateCommand}) and exits.
 */
public final class StockflowApplication {
  private static final String ROLES = "stockflow.roles";

  private StockflowApplication() {}

  public static void main(String[] args) {
    if (args.length > 0 && args[0].equals("migrate"))
      System.exit(MigrateCommand.run(EnvironmentSettings.ofProcess()));
    Micronaut.build(args)
        .mainClass(StockflowApplication.class)
        .banner(false)
        .properties(roleSwitches(Map.of()))
        .start();
  }

  /**
   * {@code properties} plus {@code stockflow.api.enabled=false} when the roles lack {@code api}: a
   * consumer- or worker-only process then has no controllers and runs no reservation sweep; its
   * HTTP server still answers {@code /health} and {@code /prometheus}. Decided before the context
   * exists (the api's beans are switched by it), so the roles come from {@code properties}, else
   * from the system property or environment variable as Micronaut would resolve them.
   */
  static Map<String, Object> roleSwitches(Map<String, Object> properties) {
    Object roles =
        properties.containsKey(ROLES)
            ? properties.get(ROLES)
            : EnvironmentSettings.ofProcess().get(ROLES, PlatformRoles.ALL);
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
