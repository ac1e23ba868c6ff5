package io.stockflow.dev;

import io.stockflow.bridge.BridgeConfig;
import io.stockflow.bridge.PostgresChangefeedBridge;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;

/**
 * Starts the PostgreSQL changefeed bridge in this JVM, keeping its offsets under {@code dataDir},
 * and restarts it when it stops with an error ({@link BridgeSupervisor}: backoff 1 s to 30 s).
 */
final class BridgeLauncher {
  static final Duration FIRST_RESTART_DELAY = Duration.ofSeconds(1);
  static final Duration MAX_RESTART_DELAY = Duration.ofSeconds(30);

  private BridgeLauncher() {}

  static BridgeSupervisor start(
      ChangefeedDeclaration feed, String jdbcUrl, String kafka, Path dataDir) {
    BridgeConfig config = BridgeConfig.of(feed, jdbcUrl, kafka, dataDir);
    return BridgeSupervisor.start(
        () -> supervised(PostgresChangefeedBridge.start(config)),
        FIRST_RESTART_DELAY,
        MAX_RESTART_DELAY);
  }

  private static BridgeSupervisor.Instance supervised(PostgresChangefeedBridge bridge) {
    return new BridgeSupervisor.Instance() {
      @Override
      public void awaitTermination() throws InterruptedException {
        bridge.awaitTermination();
      }

      @Override
      public Optional<Throwable> failure() {
        return bridge.failure();
      }

      @Override
      public void close() {
        bridge.close();
      }
    };
  }
}
