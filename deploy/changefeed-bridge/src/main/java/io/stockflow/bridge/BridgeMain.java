package io.stockflow.bridge;

import io.stockflow.db.EnvironmentSettings;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import java.nio.file.Path;

/**
 * Runs the bridge as its own process, configured by properties ({@code -D}) or their environment
 * variables, the same names the platform uses (docs/configuration.md):
 *
 * <ul>
 *   <li>{@code stockflow.database.url} / {@code STOCKFLOW_DATABASE_URL} (required): {@code
 *       jdbc:postgresql://host:port/db?user=…}
 *   <li>{@code stockflow.kafka.bootstrap} / {@code STOCKFLOW_KAFKA_BOOTSTRAP} (required): {@code
 *       host:port}
 *   <li>{@code stockflow.bridge.data-dir} / {@code STOCKFLOW_BRIDGE_DATA_DIR} (required): offsets
 *       and state; keep it across restarts
 *   <li>{@code stockflow.bridge.slot}, {@code stockflow.bridge.publication} / {@code
 *       STOCKFLOW_BRIDGE_SLOT}, {@code STOCKFLOW_BRIDGE_PUBLICATION} (default {@value
 *       BridgeConfig#DEFAULT_SLOT})
 *   <li>{@code stockflow.bridge.initial-scan} / {@code STOCKFLOW_BRIDGE_INITIAL_SCAN}: {@code true}
 *       to emit the current rows once
 * </ul>
 *
 * Streams {@link ChangefeedDeclaration#stockflow()}. SIGTERM/Ctrl-C stops cleanly; exits with 1
 * when the bridge fails, so a supervisor restarts it (it resumes from its offsets), and with 2 when
 * restarting cannot help ({@link FatalBridgeException}, a bad configuration).
 */
public final class BridgeMain {
  private BridgeMain() {}

  public static void main(String[] args) throws InterruptedException {
    EnvironmentSettings settings = EnvironmentSettings.ofProcess();
    BridgeConfig config;
    try {
      ChangefeedDeclaration feed =
          ChangefeedDeclaration.stockflow()
              .withInitialScan(
                  Boolean.parseBoolean(settings.get("stockflow.bridge.initial-scan", "false")));
      config =
          new BridgeConfig(
              feed,
              settings.required("stockflow.database.url"),
              settings.required("stockflow.kafka.bootstrap"),
              Path.of(settings.required("stockflow.bridge.data-dir")),
              settings.get("stockflow.bridge.slot", BridgeConfig.DEFAULT_SLOT),
              settings.get("stockflow.bridge.publication", BridgeConfig.DEFAULT_PUBLICATION));
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
}
