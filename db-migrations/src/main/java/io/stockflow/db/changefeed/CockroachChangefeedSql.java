package io.stockflow.db.changefeed;

import java.time.Duration;
import java.util.stream.Collectors;

/**
 * Renders the CockroachDB statements that publish a {@link ChangefeedDeclaration} to Kafka. One
 * changefeed covers every watched table (one job, one set of resolved timestamps); each table goes
 * to its own topic.
 */
public final class CockroachChangefeedSql {
  private CockroachChangefeedSql() {}

  /** Changefeeds need rangefeeds; on CockroachDB Serverless/Dedicated this is already on. */
  public static String enableRangefeeds() {
    return "SET CLUSTER SETTING kv.rangefeed.enabled = true";
  }

  /**
   * {@code CREATE CHANGEFEED FOR TABLE … INTO 'kafka://…' WITH …}.
   *
   * @param kafkaBootstrap host:port of a Kafka broker as CockroachDB's nodes reach it
   */
  public static String createChangefeed(ChangefeedDeclaration feed, String kafkaBootstrap) {
    if (kafkaBootstrap.contains("'") || kafkaBootstrap.isBlank())
      throw new IllegalArgumentException("invalid Kafka bootstrap address: " + kafkaBootstrap);
    String tables =
        feed.tables().stream().map(WatchedTable::table).collect(Collectors.joining(", "));
    String topicMap =
        feed.tables().stream()
            .filter(t -> !t.topic().equals(t.table()))
            .map(t -> t.table() + "=" + t.topic())
            .collect(Collectors.joining(","));
    // Topic renames are not an option of the kafka sink; we keep topic == table name (the
    // declaration's default).
    if (!topicMap.isEmpty())
      throw new IllegalArgumentException(
          "CockroachDB publishes each table to a topic named after it: " + topicMap);
    return "CREATE CHANGEFEED FOR TABLE "
        + tables
        + " INTO 'kafka://"
        + kafkaBootstrap
        + "' WITH format = 'json', envelope = 'wrapped', updated, diff, resolved = '"
        + interval(feed.resolvedInterval())
        + "', min_checkpoint_frequency = '"
        + interval(feed.minCheckpointFrequency())
        + "', on_error = 'pause'"
        + (feed.initialScan() ? ", initial_scan = 'yes'" : ", initial_scan = 'no'");
  }

  static String interval(Duration d) {
    if (d.toMillis() % 1000 == 0) return d.toSeconds() + "s";
    return d.toMillis() + "ms";
  }
}
