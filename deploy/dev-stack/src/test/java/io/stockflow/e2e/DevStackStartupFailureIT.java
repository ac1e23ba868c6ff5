package io.stockflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockflow.dev.DevSettings;
import io.stockflow.dev.DevStack;
import io.stockflow.embedded.Ports;
import io.stockflow.embedded.StartupException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * A taken port stops the dev stack with one line naming the component and what to do, and the
 * servers that did start (they start side by side) are stopped again: nothing is left listening.
 */
// A few seconds: it runs in the shared stack's lane, the shorter of the two.
@ResourceLock(SharedDevStack.LOCK)
class DevStackStartupFailureIT {
  @TempDir Path dir;

  @Test
  void kafkaPortInUseFailsNamingKafkaAndStopsPostgresAndTemporal() throws Exception {
    DevSettings free = DevSettings.forTests(dir, Map.of());
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName(Ports.LOOPBACK))) {
      DevSettings settings =
          new DevSettings(
              free.dataDir(),
              false,
              true,
              free.roles(),
              free.pgPort(),
              taken.getLocalPort(),
              free.kafkaControllerPort(),
              free.temporalPort(),
              free.temporalUiPort(),
              free.apiPort(),
              free.partitions(),
              null,
              null,
              null,
              null,
              DevSettings.DEFAULT_DEV_API_KEY,
              Map.of(),
              free.durable());

      assertThatThrownBy(() -> DevStack.start(settings))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("Kafka")
          .hasMessageContaining(String.valueOf(taken.getLocalPort()))
          .hasMessageContaining("STOCKFLOW_KAFKA_PORT");
    }
    assertThat(listening(free.pgPort())).as("PostgreSQL stopped").isFalse();
    assertThat(listening(free.temporalPort())).as("Temporal stopped").isFalse();
    assertThat(listening(free.temporalUiPort())).as("Temporal UI stopped").isFalse();
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket(Ports.LOOPBACK, port)) {
      return true;
    } catch (java.io.IOException e) {
      return false;
    }
  }
}
