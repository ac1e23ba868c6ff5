package io.stockflow.db.changefeed;

import java.util.List;
import java.util.Objects;

/**
 * One table whose row changes are published, and the Kafka topic they go to.
 *
 * @param table the SQL table name
 * @param topic the Kafka topic (CockroachDB's default is the table name)
 * @param primaryKey the primary-key columns, in key order: the message key is a JSON array of their
 *     values
 */
public record WatchedTable(String table, String topic, List<String> primaryKey) {
  public WatchedTable {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(topic, "topic");
    primaryKey = List.copyOf(primaryKey);
    if (primaryKey.isEmpty())
      throw new IllegalArgumentException(table + ": primary key must not be empty");
  }
}
