package io.stockflow.db.changefeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockflow.db.changefeed.CockroachChangefeedSql.SinkOptions;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The statements pinned byte for byte. Option names and values follow CockroachDB's CREATE
 * CHANGEFEED reference (v24.x) and {@code pkg/ccl/changefeedccl/sink_kafka.go}'s saramaConfig
 * ({@code Flush.Messages}, {@code Flush.Frequency}, {@code RequiredAcks}).
 */
class CockroachChangefeedSqlTest {
  private static final String WITH =
      " WITH format = 'json', envelope = 'wrapped', updated, diff, resolved = '1s',"
          + " min_checkpoint_frequency = '1s', on_error = 'pause', gc_protect_expires_after = '86400s',"
          + " kafka_sink_config = '{\"Flush\": {\"Messages\": 1000, \"Frequency\": \"100ms\"},"
          + " \"RequiredAcks\": \"ALL\"}'";

  @Test
  void rendersTheStockflowChangefeed() {
    assertThat(
            CockroachChangefeedSql.createChangefeed(
                ChangefeedDeclaration.stockflow(), "kafka:9092", SinkOptions.defaults()))
        .isEqualTo(
            "CREATE CHANGEFEED FOR TABLE inventory_levels, reservations, orders, purchase_orders"
                + " INTO 'kafka://kafka:9092'"
                + WITH
                + ", initial_scan = 'no'");
  }

  @Test
  void aRecreatedFeedStartsAtItsCursorWithoutAScan() {
    assertThat(
            CockroachChangefeedSql.createChangefeedFrom(
                ChangefeedDeclaration.stockflow().withInitialScan(true),
                "kafka:9092",
                SinkOptions.defaults(),
                "1701102311425045162.0000000003"))
        .isEqualTo(
            "CREATE CHANGEFEED FOR TABLE inventory_levels, reservations, orders, purchase_orders"
                + " INTO 'kafka://kafka:9092'"
                + WITH
                + ", cursor = '1701102311425045162.0000000003', initial_scan = 'no'");
  }

  @Test
  void tlsAndSaslGoIntoTheSinkUriAndSecretsAreRedactedForLogs() {
    SinkOptions options =
        SinkOptions.defaults()
            .withSinkQuery(
                "tls_enabled=true&sasl_enabled=true&sasl_mechanism=SCRAM-SHA-512&sasl_user=cdc&sasl_password=s3cr%3Dt");
    String sql =
        CockroachChangefeedSql.createChangefeed(
            ChangefeedDeclaration.stockflow(), "kafka:9093", options);
    assertThat(sql)
        .contains(
            " INTO 'kafka://kafka:9093?tls_enabled=true&sasl_enabled=true&sasl_mechanism=SCRAM-SHA-512"
                + "&sasl_user=cdc&sasl_password=s3cr%3Dt' WITH ");
    assertThat(CockroachChangefeedSql.redacted(sql))
        .contains("&sasl_user=cdc&sasl_password=redacted' WITH ")
        .doesNotContain("s3cr");
  }

  @Test
  void initialScanAndSubSecondIntervals() {
    ChangefeedDeclaration feed =
        ChangefeedDeclaration.stockflow()
            .withInitialScan(true)
            .withResolvedInterval(Duration.ofMillis(500));
    assertThat(CockroachChangefeedSql.createChangefeed(feed, "k:1", SinkOptions.defaults()))
        .contains("resolved = '500ms'")
        .endsWith("initial_scan = 'yes'");
  }

  @Test
  void refusesWhatWouldBreakTheStatement() {
    var feed = ChangefeedDeclaration.stockflow();
    assertThatThrownBy(
            () -> CockroachChangefeedSql.createChangefeed(feed, "x'; DROP", SinkOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> SinkOptions.defaults().withSinkQuery("a=1' WITH x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(
            () ->
                CockroachChangefeedSql.createChangefeedFrom(
                    feed, "k:1", SinkOptions.defaults(), "now()"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void refusesTopicsThatDifferFromTableNames() {
    ChangefeedDeclaration feed =
        new ChangefeedDeclaration(
            List.of(new WatchedTable("orders", "shop.orders", List.of("id"))),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            1,
            false);
    assertThatThrownBy(
            () -> CockroachChangefeedSql.createChangefeed(feed, "k:1", SinkOptions.defaults()))
        .hasMessageContaining("orders=shop.orders");
  }
}
