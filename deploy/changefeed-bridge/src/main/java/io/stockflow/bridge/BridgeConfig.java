package io.stockflow.bridge;

import io.stockflow.db.changefeed.ChangefeedDeclaration;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Everything the bridge needs. Immutable; all fields non-null.
 *
 * @param feed which tables go to which topics, partitions, resolved interval, initial scan
 * @param jdbcUrl a {@code jdbc:postgresql://…} URL of the watched database (user and password as
 *     URL parameters)
 * @param kafkaBootstrap Kafka bootstrap servers, {@code host:port[,host:port]}
 * @param dataDir where the bridge keeps its Debezium offsets and the initial-scan marker; must
 *     survive restarts (losing it means resuming from the replication slot's position)
 * @param slotName the logical replication slot (created when absent; one per bridge)
 * @param publicationName the publication (created or reset to the watched tables)
 */
public record BridgeConfig(
    ChangefeedDeclaration feed,
    String jdbcUrl,
    String kafkaBootstrap,
    Path dataDir,
    String slotName,
    String publicationName) {
  public static final String DEFAULT_SLOT = "stockflow_bridge";
  public static final String DEFAULT_PUBLICATION = "stockflow_bridge";

  public BridgeConfig {
    Objects.requireNonNull(feed, "feed");
    Objects.requireNonNull(jdbcUrl, "jdbcUrl");
    Objects.requireNonNull(kafkaBootstrap, "kafkaBootstrap");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(slotName, "slotName");
    Objects.requireNonNull(publicationName, "publicationName");
    if (!jdbcUrl.startsWith("jdbc:postgresql:"))
      throw new IllegalArgumentException(
          "the bridge needs a jdbc:postgresql: URL of the database, got: " + jdbcUrl);
    if (kafkaBootstrap.isBlank())
      throw new IllegalArgumentException("Kafka bootstrap servers must not be blank");
  }

  /** A configuration with the default slot and publication names. */
  public static BridgeConfig of(
      ChangefeedDeclaration feed, String jdbcUrl, String kafkaBootstrap, Path dataDir) {
    return new BridgeConfig(
        feed, jdbcUrl, kafkaBootstrap, dataDir, DEFAULT_SLOT, DEFAULT_PUBLICATION);
  }

  public BridgeConfig withSlotName(String slot) {
    return new BridgeConfig(feed, jdbcUrl, kafkaBootstrap, dataDir, slot, publicationName);
  }

  public BridgeConfig withPublicationName(String publication) {
    return new BridgeConfig(feed, jdbcUrl, kafkaBootstrap, dataDir, slotName, publication);
  }
}
