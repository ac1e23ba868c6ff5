package io.stockflow.platform;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.EmbeddedApplication;
import io.micronaut.runtime.Micronaut;
import java.util.Map;

/**
 * The platform process: HTTP API, changefeed consumers and Temporal workers, each switched on by
 * {@code stockflow.roles} (env STOCKFLOW_ROLES, default {@code api,consumer,worker}) so the roles
 * scale out independently. Configured by environment variables (see README).
 */
public final class StockflowApplication {
  private StockflowApplication() {}

  public static void main(String[] args) {
    Micronaut.build(args).mainClass(StockflowApplication.class).banner(false).start();
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
            .properties(properties)
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
