package io.stockflow.workflows.sync;

import io.stockflow.workflows.stream.StreamOptions;
import java.time.Duration;

/**
 * Channel sync configuration of {@link ChannelSyncClient}.
 *
 * @param interval channels hear about a SKU at most once per interval
 * @param idleTimeout a SKU's sync workflow completes after this long without changes
 * @param lowStockThreshold available-to-sell at or below this is reported as {@code low_stock}
 */
public record ChannelSyncSettings(Duration interval, Duration idleTimeout, long lowStockThreshold) {

  /** Every 30 s at most, idle after 10 min, low at 5 units. */
  public static final ChannelSyncSettings DEFAULT =
      new ChannelSyncSettings(Duration.ofSeconds(30), Duration.ofMinutes(10), 5);

  /** Stream options: batches as large as the queue, a new run every 500 events or 6 hours. */
  public StreamOptions streamOptions() {
    return new StreamOptions(
        idleTimeout, Integer.MAX_VALUE, interval, 500, Duration.ofHours(6), 1000);
  }
}
