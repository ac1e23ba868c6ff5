package io.stockflow.dev;

import io.stockflow.bridge.BridgeConfig;
import io.stockflow.bridge.PostgresChangefeedBridge;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import java.nio.file.Path;

/**
 * Starts the PostgreSQL changefeed bridge in this JVM, keeping its offsets under {@code dataDir}.
 */
final class BridgeLauncher {
  private BridgeLauncher() {}

  static AutoCloseable start(
      ChangefeedDeclaration feed, String jdbcUrl, String kafka, Path dataDir) {
    return PostgresChangefeedBridge.start(BridgeConfig.of(feed, jdbcUrl, kafka, dataDir));
  }
}
