package io.stockflow.bridge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stockflow.bridge.support.TestStack;
import io.stockflow.bridge.support.TopicProbe;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two bridges in one JVM (two dev stacks in one test JVM, or two feeds of one process) each stream
 * from their start. Debezium names its JMX beans after the connector's logical name, which every
 * bridge shares; a second bridge used to find the names taken and retry registering them for 2 x 60
 * s before streaming, so its changes arrived a minute or two late.
 */
class TwoBridgesInOneJvmIT {
  @TempDir static Path dir;
  @RegisterExtension static final TestStack stack = new TestStack();

  @Test
  void aSecondBridgeStreamsWithoutWaitingForTheFirstOnesJmxNames() throws Exception {
    stack.tx(
        "INSERT INTO locations (id, name, kind, region) VALUES ('SEA1', 'Seattle', 'fulfilment_centre', 'us-west')",
        "INSERT INTO skus (sku, name) VALUES ('TWIN-00', 'x')",
        "INSERT INTO inventory_levels (sku, location_id, on_hand) VALUES ('TWIN-00', 'SEA1', 0)");
    try (TopicProbe probe = new TopicProbe(stack.bootstrap(), List.of("inventory_levels"));
        PostgresChangefeedBridge first = PostgresChangefeedBridge.start(config("twin_a"));
        PostgresChangefeedBridge second = PostgresChangefeedBridge.start(config("twin_b"))) {
      stack.tx("UPDATE inventory_levels SET on_hand = 7 WHERE sku = 'TWIN-00'");

      // Both slots see the update, so both bridges send it; the stalled bridge sent it only after
      // its two minutes of retries, far beyond this bound even on a loaded machine.
      await("the update from both bridges")
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  probe.poll().stream()
                      .filter(TopicProbe.row("inventory_levels", "[\"TWIN-00\", \"SEA1\"]"))
                      .filter(m -> m.value().contains("\"on_hand\": 7,"))
                      .count(),
              n -> n >= 2);
      assertThat(streamingBeanSlots()).contains("twin_a", "twin_b");
    }
    assertThat(streamingBeanSlots())
        .as("closed bridges unregister their beans, so a restarted one can take its names")
        .doesNotContain("twin_a", "twin_b");
  }

  private static BridgeConfig config(String slot) {
    return BridgeConfig.of(
            ChangefeedDeclaration.stockflow(),
            stack.jdbcUrl(),
            stack.bootstrap(),
            dir.resolve(slot))
        .withSlotName(slot)
        .withPublicationName(slot);
  }

  /** The slot tag of every Debezium PostgreSQL streaming-metrics bean in this JVM. */
  private static Set<String> streamingBeanSlots() throws Exception {
    return ManagementFactory.getPlatformMBeanServer()
        .queryNames(
            new ObjectName("debezium.postgres:type=connector-metrics,context=streaming,*"), null)
        .stream()
        .map(n -> n.getKeyProperty("slot"))
        .filter(s -> s != null)
        .collect(Collectors.toSet());
  }
}
