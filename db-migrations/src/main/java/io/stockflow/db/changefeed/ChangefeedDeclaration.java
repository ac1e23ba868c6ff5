package io.stockflow.db.changefeed;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The one declaration of what is published: which tables, to which topics, with which options. Both
 * the CockroachDB {@code CREATE CHANGEFEED} statement and the PostgreSQL bridge are derived from
 * it.
 *
 * @param tables the watched tables
 * @param resolvedInterval how often resolved timestamps are emitted to every partition
 * @param minCheckpointFrequency CockroachDB's min_checkpoint_frequency (how stale resolved may be)
 * @param partitions partitions of each topic (the bridge creates topics with this count)
 * @param initialScan whether the current rows are emitted once when the feed is first created
 */
public record ChangefeedDeclaration(
    List<WatchedTable> tables,
    Duration resolvedInterval,
    Duration minCheckpointFrequency,
    int partitions,
    boolean initialScan) {

  public ChangefeedDeclaration {
    tables = List.copyOf(tables);
    if (partitions < 1) throw new IllegalArgumentException("partitions must be >= 1");
    if (resolvedInterval.isNegative() || resolvedInterval.isZero())
      throw new IllegalArgumentException("resolvedInterval must be positive");
  }

  /** stockflow's feed: the tables whose changes start reactions. */
  public static ChangefeedDeclaration stockflow() {
    return new ChangefeedDeclaration(
        List.of(
            new WatchedTable("inventory_levels", "inventory_levels", List.of("sku", "location_id")),
            new WatchedTable("reservations", "reservations", List.of("id")),
            new WatchedTable("orders", "orders", List.of("id")),
            new WatchedTable("purchase_orders", "purchase_orders", List.of("id"))),
        Duration.ofSeconds(1),
        Duration.ofSeconds(1),
        3,
        false);
  }

  public Optional<WatchedTable> table(String name) {
    return tables.stream().filter(t -> t.table().equals(name)).findFirst();
  }

  public Optional<WatchedTable> byTopic(String topic) {
    return tables.stream().filter(t -> t.topic().equals(topic)).findFirst();
  }

  public ChangefeedDeclaration withInitialScan(boolean scan) {
    return new ChangefeedDeclaration(
        tables, resolvedInterval, minCheckpointFrequency, partitions, scan);
  }

  public ChangefeedDeclaration withResolvedInterval(Duration interval) {
    return new ChangefeedDeclaration(
        tables, interval, minCheckpointFrequency, partitions, initialScan);
  }

  public ChangefeedDeclaration withPartitions(int count) {
    return new ChangefeedDeclaration(
        tables, resolvedInterval, minCheckpointFrequency, count, initialScan);
  }
}
