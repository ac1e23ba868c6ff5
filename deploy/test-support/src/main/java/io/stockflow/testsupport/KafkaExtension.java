package io.stockflow.testsupport;

import static org.awaitility.Awaitility.await;

import io.stockflow.embedded.EmbeddedKafkaBroker;
import io.stockflow.embedded.Ports;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One embedded Kafka broker (KRaft, in this JVM) per test JVM. Each test class finds it without
 * topics and consumer groups: when the class ends, everything it created is deleted, because topic
 * names such as {@code inventory_levels} are fixed by the code under test and a reader from the
 * earliest offset must not see another class's messages. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension static final KafkaExtension kafka = new KafkaExtension();
 * ... kafka.bootstrapServers(), KafkaClients.consumer(kafka.bootstrapServers(), group)
 * }</pre>
 *
 * <p>Topics the broker creates on first use get one partition; a test that needs more creates the
 * topic itself. The cleanup runs after every {@code @AfterAll} method and extension callback of the
 * class, so clients the class closes there are gone by then; a consumer left open fails the class
 * (its group cannot be deleted).
 */
public final class KafkaExtension implements BeforeAllCallback {
  private static final String SERVER = "kafka";

  private volatile EmbeddedKafkaBroker broker;

  /** host:port of the broker; valid from the class's start. */
  public String bootstrapServers() {
    EmbeddedKafkaBroker b = broker;
    if (b == null) throw new IllegalStateException("the broker starts with the first test class");
    return b.bootstrapServers();
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    broker =
        SharedServers.get(
            context,
            SERVER,
            EmbeddedKafkaBroker.class,
            dir -> EmbeddedKafkaBroker.startForTests(dir, Ports.free(), Ports.free(), 1));
    context
        .getStore(SharedServers.NAMESPACE)
        .getOrComputeIfAbsent(this, k -> new ClassCleanup(broker), ClassCleanup.class);
  }

  /** Deletes the class's consumer groups and topics when the class's context closes. */
  private record ClassCleanup(EmbeddedKafkaBroker broker) implements AutoCloseable {
    @Override
    public void close() throws Exception {
      try (Admin admin = Admin.create(KafkaClients.admin(broker.bootstrapServers()))) {
        // A group whose last member has just left may still be rebalancing: retry briefly.
        await("consumer groups deleted")
            .atMost(Duration.ofSeconds(30))
            .ignoreException(ExecutionException.class)
            .until(
                () -> {
                  List<String> groups =
                      admin.listGroups(ListGroupsOptions.forConsumerGroups()).all().get().stream()
                          .map(GroupListing::groupId)
                          .toList();
                  admin.deleteConsumerGroups(groups).all().get();
                  return true;
                });
        admin.deleteTopics(admin.listTopics().names().get()).all().get();
        // Deletion is committed; wait until the broker's metadata no longer lists them, so the
        // next class's first write re-creates a topic instead of finding the old one.
        await("topics deleted")
            .atMost(Duration.ofSeconds(30))
            .until(() -> admin.listTopics().names().get().isEmpty());
      }
    }
  }
}
