package io.stockflow.bridge;

import io.stockflow.db.changefeed.ChangefeedDeclaration;
import java.nio.file.Path;
import java.util.Map;

/**
 * Runs the bridge as its own process, configured by environment variables:
 *
 * <ul>
 *   <li>{@code STOCKFLOW_DATABASE_URL} (required): {@code jdbc:postgresql://host:port/db?user=…}
 *   <li>{@code STOCKFLOW_KAFKA_BOOTSTRAP} (required): {@code host:port}
 *   <li>{@code STOCKFLOW_BRIDGE_DATA_DIR} (required): offsets and state; keep it across restarts
 *   <li>{@code STOCKFLOW_BRIDGE_SLOT}, {@code STOCKFLOW_BRIDGE_PUBLICATION} (default {@value
 *       BridgeConfig#DEFAULT_SLOT})
 *   <li>{@code STOCKFLOW_BRIDGE_INITIAL_SCAN}: {@code true} to emit the current rows once
 * </ul>
 *
 * Streams {@link ChangefeedDeclaration#stockflow()}. SIGTERM/Ctrl-C stops cleanly; exits with 1
 * when the bridge fails, so a supervisor restarts it (it resumes from its offsets), and with 2 when
 * restarting cannot help ({@link FatalBridgeException}, a bad configuration).
 */
public final class BridgeMain {
  private BridgeMain() {}

  public static void main(String[] args) throws InterruptedException {
    Map<String, String> env = System.getenv();
    BridgeConfig config;
    try {
      ChangefeedDeclaration feed =
          ChangefeedDeclaration.stockflow()
              .withInitialScan(
                  Boolean.parseBoolean(env.getOrDefault("STOCKFLOW_BRIDGE_INITIAL_SCAN", "false")));
      config =
          new BridgeConfig(
              feed,
              required(env, "STOCKFLOW_DATABASE_URL"),
              required(env, "STOCKFLOW_KAFKA_BOOTSTRAP"),
              Path.of(required(env, "STOCKFLOW_BRIDGE_DATA_DIR")),
              env.getOrDefault("STOCKFLOW_BRIDGE_SLOT", BridgeConfig.DEFAULT_SLOT),
              env.getOrDefault("STOCKFLOW_BRIDGE_PUBLICATION", BridgeConfig.DEFAULT_PUBLICATION));
    } catch (IllegalArgumentException e) {
      System.err.println("changefeed bridge: " + e.getMessage());
      System.exit(2);
      return;
    }
    PostgresChangefeedBridge bridge;
    try {
      bridge = PostgresChangefeedBridge.start(config);
    } catch (FatalBridgeException e) {
      System.err.println("changefeed bridge: " + e.getMessage());
      System.exit(FATAL);
      return;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(bridge::close, "changefeed-bridge-shutdown"));
    bridge.awaitTermination();
    if (bridge.failure().isPresent())
      System.exit(bridge.failure().get() instanceof FatalBridgeException ? FATAL : 1);
  }

  /** The exit code when restarting cannot help (bad configuration, lost replication slot). */
  static final int FATAL = 2;

  private static String required(Map<String, String> env, String name) {
    String v = env.get(name);
    if (v == null || v.isBlank())
      throw new IllegalArgumentException("environment variable " + name + " is required");
    return v;
  }
}
