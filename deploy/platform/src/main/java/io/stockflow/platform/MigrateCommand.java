package io.stockflow.platform;

import io.stockflow.db.Database;
import io.stockflow.db.EnvironmentSettings;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.CockroachChangefeedSql.SinkOptions;
import java.util.Map;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code StockflowApplication migrate}: the one-shot job a deployment runs before the roles start
 * (compose's {@code migrate} service, the Helm chart's pre-install/pre-upgrade hook). Applies the
 * migrations; on CockroachDB it then ensures the changefeed ({@link CockroachChangefeed#ensure}:
 * topics created with their partitions, a running job kept, a paused one resumed, a failed or
 * cancelled one recreated from the consumed mark). On PostgreSQL there is nothing more to do: the
 * changefeed bridge publishes the changes. Runs without a Micronaut context, so no role starts.
 */
final class MigrateCommand {
  private static final Logger log = LoggerFactory.getLogger(MigrateCommand.class);

  static final String PARTITIONS = "stockflow.changefeed.partitions";
  static final String COCKROACH_KAFKA = "stockflow.changefeed.cockroach-kafka";
  static final String COCKROACH_SINK_QUERY = "stockflow.changefeed.cockroach-sink-query";

  private MigrateCommand() {}

  /** Exit status: 0 done, 1 failed (the reason logged). */
  static int run(EnvironmentSettings env) {
    try {
      DataSource ds = Database.unpooled(env.required("stockflow.database.url"));
      log.info("migrate: applying migrations");
      Database.migrate(ds);
      log.info("migrate: database migrated");
      if (Database.vendor(ds) != Database.Vendor.COCKROACHDB) {
        log.info("migrate: PostgreSQL — the changefeed bridge publishes its changes; done");
        return 0;
      }
      ChangefeedDeclaration feed = feed(env);
      String bootstrap = env.required("stockflow.kafka.bootstrap");
      String kafkaForCockroach = env.get(COCKROACH_KAFKA, bootstrap);
      try (Admin kafka =
          Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
        long job =
            CockroachChangefeed.ensure(
                ds,
                kafka,
                feed,
                kafkaForCockroach,
                SinkOptions.defaults().withSinkQuery(env.get(COCKROACH_SINK_QUERY, "")),
                env.get("stockflow.changefeed.group-id", ChangefeedConfiguration.DEFAULT_GROUP_ID));
        log.info(
            "migrate: CockroachDB changefeed job {} publishes {} tables ({} partitions each) to {}; done",
            job,
            feed.tables().size(),
            feed.partitions(),
            kafkaForCockroach);
      }
      return 0;
    } catch (Exception e) {
      log.error("migrate failed: {}", e.getMessage(), e);
      return 1;
    }
  }

  /** stockflow's feed with the configured partition count (the declaration's default if unset). */
  static ChangefeedDeclaration feed(EnvironmentSettings env) {
    ChangefeedDeclaration feed = ChangefeedDeclaration.stockflow();
    return env.get(PARTITIONS)
        .map(
            v -> {
              try {
                return feed.withPartitions(Integer.parseInt(v.trim()));
              } catch (NumberFormatException e) {
                throw new IllegalArgumentException(
                    PARTITIONS + "=" + v + " is not a whole number", e);
              }
            })
        .orElse(feed);
  }
}
