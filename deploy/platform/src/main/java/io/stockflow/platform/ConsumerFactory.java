package io.stockflow.platform;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.consumer.ChangefeedConfig;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.changefeed.consumer.RetryPolicy;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.sql.DataSource;

/**
 * The changefeed processor from {@code stockflow.changefeed.tables} and every {@link Subprocessor}
 * bean. Built in every role (the ops API needs its dead letters and switches); only the consumer
 * role {@code start()}s it.
 */
@Factory
public class ConsumerFactory {
  @Singleton
  @Bean(preDestroy = "close")
  public ChangefeedProcessor changefeedProcessor(
      ChangefeedSettings settings,
      List<Subprocessor> subprocessors,
      DataSource dataSource,
      MeterRegistry registry,
      @Value("${stockflow.kafka.bootstrap}") String bootstrap) {
    ChangefeedConfig config =
        ChangefeedConfig.builder()
            .bootstrapServers(bootstrap)
            .groupId(settings.getGroupId())
            .topics(topicsByTableName(settings.getTables()), subprocessors)
            .retry(
                new RetryPolicy(
                    settings.getRetryAttempts(),
                    settings.getRetryInitialBackoff(),
                    settings.getRetryMaxBackoff()))
            .subprocessorConcurrency(settings.getSubprocessorConcurrency())
            .laneCapacity(settings.getLaneCapacity())
            .laneBatchRecords(settings.getLaneBatchRecords())
            .outageBackoff(settings.getOutageBackoff())
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
