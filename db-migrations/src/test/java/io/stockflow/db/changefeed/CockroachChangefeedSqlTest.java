package io.stockflow.db.changefeed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class CockroachChangefeedSqlTest {
  @Test
  void rendersTheStockflowChangefeed() {
    assertThat(
            CockroachChangefeedSql.createChangefeed(
                ChangefeedDeclaration.stockflow(), "kafka:9092"))
        .isEqualTo(
            "CREATE CHANGEFEED FOR TABLE inventory_levels, reservations, orders, purchase_orders"
                + " INTO 'kafka://kafka:9092' WITH format = 'json', envelope = 'wrapped', updated, diff,"
                + " resolved = '1s', min_checkpoint_frequency = '1s', on_error = 'pause', initial_scan = 'no'");
  }

  @Test
  void initialScanAndSubSecondIntervals() {
    ChangefeedDeclaration feed =
        ChangefeedDeclaration.stockflow()
            .withInitialScan(true)
            .withResolvedInterval(Duration.ofMillis(500));
    assertThat(CockroachChangefeedSql.createChangefeed(feed, "k:1"))
        .contains("resolved = '500ms'")
        .endsWith("initial_scan = 'yes'");
  }

  @Test
  void refusesAnAddressThatWouldBreakTheStatement() {
    assertThatThrownBy(
            () ->
                CockroachChangefeedSql.createChangefeed(
                    ChangefeedDeclaration.stockflow(), "x'; DROP"))
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
    assertThatThrownBy(() -> CockroachChangefeedSql.createChangefeed(feed, "k:1"))
        .hasMessageContaining("orders=shop.orders");
  }
}
