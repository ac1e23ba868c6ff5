package io.stockflow.subprocessors.inventory;

import static io.stockflow.subprocessors.inventory.Changes.row;
import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.subprocessors.alerts.CountVarianceAlertSubprocessor;
import io.stockflow.subprocessors.alerts.StockAlertSubprocessor;
import io.stockflow.subprocessors.restock.RestockSubprocessor;
import io.stockflow.subprocessors.sync.ChannelSyncSubprocessor;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * For each kind of inventory_levels change, which subprocessors accept it. shouldProcess is pure,
 * so the workflow clients are not needed here.
 */
class ShouldProcessTruthTableTest {
  static final Subprocessor RESTOCK = new RestockSubprocessor(null);
  static final Subprocessor STOCK_ALERT = new StockAlertSubprocessor(null);
  static final Subprocessor VARIANCE = new CountVarianceAlertSubprocessor(null);
  static final Subprocessor SYNC = new ChannelSyncSubprocessor(null);

  static Stream<Arguments> table() {
    return Stream.of(
        // change, restock, stock-alert, count-variance, channel-sync
        Arguments.of(
            "sale drops available to the reorder point",
            Changes.update(row(), row("on_hand=20"), false),
            true,
            true,
            false,
            true),
        Arguments.of(
            "sale within the in-stock band (nothing in transit)",
            Changes.update(row(), row("on_hand=40"), false),
            false,
            false,
            false,
            true),
        Arguments.of(
            "reservation takes stock, still in stock",
            Changes.update(row(), row("reserved=3"), false),
            false,
            false,
            false,
            true),
        Arguments.of(
            "sale while a purchase order is in transit (a possible receipt)",
            Changes.update(
                row("on_hand=40", "in_transit_in=100"),
                row("on_hand=39", "in_transit_in=100"),
                false),
            true,
            false,
            false,
            true),
        Arguments.of(
            "receipt lifts a low row back into stock",
            Changes.update(row("on_hand=15"), row("on_hand=60"), false),
            false,
            true,
            false,
            true),
        Arguments.of(
            "last units sold",
            Changes.update(row("on_hand=5"), row("on_hand=0"), false),
            true,
            true,
            false,
            true),
        Arguments.of(
            "only the reorder point moves (above stock)",
            Changes.update(row(), row("reorder_point=30"), false),
            false,
            false,
            false,
            false),
        Arguments.of(
            "reorder point raised above available",
            Changes.update(row(), row("reorder_point=60"), false),
            true,
            true,
            false,
            false),
        Arguments.of(
            "only max_stock moves",
            Changes.update(row(), row("max_stock=200"), false),
            false,
            false,
            false,
            false),
        Arguments.of(
            "row already low, thresholds untouched",
            Changes.update(row("on_hand=10"), row("on_hand=10", "max_stock=120"), false),
            true,
            false,
            false,
            false),
        Arguments.of(
            "purchase order recorded in transit",
            Changes.update(row("on_hand=10"), row("on_hand=10", "in_transit_in=140"), false),
            true,
            false,
            false,
            false),
        Arguments.of(
            "in-stock location stops selling",
            Changes.update(row(), row("sellable=false"), false),
            false,
            false,
            false,
            true),
        Arguments.of(
            "low location stops selling (its alert clears)",
            Changes.update(row("on_hand=10"), row("on_hand=10", "sellable=false"), false),
            false,
            true,
            false,
            true),
        Arguments.of(
            "safety stock raised, band unchanged",
            Changes.update(row(), row("safety_stock=9"), false),
            false,
            false,
            false,
            true),
        Arguments.of(
            "cycle count with a variance, still in stock",
            Changes.update(row(), row("on_hand=30", "last_counted_at=2026-11-22T11:00:00Z"), false),
            false,
            false,
            true,
            true),
        Arguments.of(
            "replay request (only last_updated moved)",
            Changes.update(row(), row("last_updated=2026-11-22T12:00:00Z"), true),
            true,
            true,
            false,
            true),
        Arguments.of("new row", Changes.insert(row()), true, true, false, true),
        Arguments.of("row deleted", Changes.delete(row()), false, false, false, false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void whoReacts(
      String change,
      ChangeEvent e,
      boolean restock,
      boolean alert,
      boolean variance,
      boolean sync) {
    Map<String, Boolean> actual = new TreeMap<>();
    actual.put("restock", RESTOCK.shouldProcess(e));
    actual.put("stock-alert", STOCK_ALERT.shouldProcess(e));
    actual.put("count-variance-alert", VARIANCE.shouldProcess(e));
    actual.put("channel-sync", SYNC.shouldProcess(e));
    assertThat(actual)
        .as(change)
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "restock",
                restock,
                "stock-alert",
                alert,
                "count-variance-alert",
                variance,
                "channel-sync",
                sync));
  }
}
