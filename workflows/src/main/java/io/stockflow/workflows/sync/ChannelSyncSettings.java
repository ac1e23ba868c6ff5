package io.stockflow.workflows.sync;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.time.Duration;

/**
 * Channel sync configuration of {@link ChannelSyncClient}; carried in the workflow input, so a
 * running bucket keeps the values it was started with until it idles out. The platform builds it
 * from {@code stockflow.channel-sync.*}, where the defaults are. The low-stock threshold is not
 * here but the worker's ({@link io.stockflow.stock.AvailabilitySettings}), shared with the API;
 * inputs of runs started before it moved still carry a {@code lowStockThreshold}, which is ignored.
 *
 * @param interval a bucket projects its changed SKUs at most once per interval
 * @param idleTimeout a bucket workflow completes after this long without changes or pushes
 * @param buckets how many bucket workflows share the SKUs ({@code Math.floorMod(sku.hashCode(),
 *     buckets)}); the Temporal cost of channel sync is at most one SignalWithStart per bucket and
 *     poll batch, whatever the number of SKUs
 * @param maxSignalsPerRun a bucket continues as new after this many signals (besides whenever
 *     Temporal suggests it), which bounds its history even while a push is blocked
 * @param maxRunDuration a bucket continues as new after a run has lasted this long
 */
@JsonIgnoreProperties(ignoreUnknown = true)
public record ChannelSyncSettings(
    Duration interval,
    Duration idleTimeout,
    int buckets,
    int maxSignalsPerRun,
    Duration maxRunDuration) {

  public ChannelSyncSettings {
    if (buckets < 1) throw new IllegalArgumentException("buckets must be >= 1");
    if (maxSignalsPerRun < 1) throw new IllegalArgumentException("maxSignalsPerRun must be >= 1");
    if (interval.isNegative() || idleTimeout.isNegative() || idleTimeout.isZero()) {
      throw new IllegalArgumentException("interval must be >= 0 and idleTimeout > 0");
    }
  }

  /** With the default run limits: 500 signals or 6 hours per run. */
  public ChannelSyncSettings(Duration interval, Duration idleTimeout, int buckets) {
    this(interval, idleTimeout, buckets, 500, Duration.ofHours(6));
  }
}
