package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;

/**
 * {@code stockflow.kafka.*}: the Kafka cluster the changefeed topics live on.
 *
 * @param bootstrap bootstrap servers, {@code host:port[,host:port]}; required (the dev stack passes
 *     its embedded broker's)
 */
@ConfigurationProperties("stockflow.kafka")
public record KafkaConfiguration(@Nullable String bootstrap) {
  public KafkaConfiguration {
    if (bootstrap == null || bootstrap.isBlank())
      throw new IllegalArgumentException(
          "stockflow.kafka.bootstrap is required (environment variable STOCKFLOW_KAFKA_BOOTSTRAP)");
  }
}
