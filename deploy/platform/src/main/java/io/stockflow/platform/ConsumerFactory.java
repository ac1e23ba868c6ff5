package io.stockflow.platform;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.consumer.ChangefeedConfig;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The changefeed processor from {@link ChangefeedConfiguration} and every {@link Subprocessor}
 * bean. Built in every role (the ops API needs its dead letters and switches); only the consumer
 * role {@code start()}s it.
 */
@Factory
public class ConsumerFactory {
  @Singleton
  @Bean(preDestroy = "close")
  public ChangefeedProcessor changefeedProcessor(
      ChangefeedConfiguration changefeed,
      KafkaConfiguration kafka,
      List<Subprocessor> subprocessors,
      DataSource dataSource,
      MeterRegistry registry,
      Tracing tracing) {
    ChangefeedConfig config =
        changefeed
            .applyTo(ChangefeedConfig.builder())
            .bootstrapServers(kafka.bootstrap())
            .topics(topicsByTableName(changefeed.tables()), subprocessors)
            .openTelemetry(tracing.openTelemetry())
            .build();
    return new ChangefeedProcessor(config, dataSource, registry);
  }

  /**
   * Micronaut normalises configuration map keys to kebab-case (inventory_levels becomes
   * inventory-levels); the topics are named after the tables, so the keys are mapped back through
   * the changefeed declaration.
   */
  static Map<String, List<String>> topicsByTableName(Map<String, List<String>> configured) {
    ChangefeedDeclaration feed = ChangefeedDeclaration.stockflow();
    Map<String, List<String>> out = new LinkedHashMap<>();
    configured.forEach(
        (key, names) -> {
          String topic =
              feed.byTopic(key)
                  .or(() -> feed.byTopic(key.replace('-', '_')))
                  .map(WatchedTable::topic)
                  .orElse(key);
          out.put(topic, names);
        });
    return out;
  }
}
