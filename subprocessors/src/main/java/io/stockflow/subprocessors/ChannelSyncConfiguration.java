package io.stockflow.subprocessors;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.time.Duration;

/**
 * {@code stockflow.channel-sync.*}: how the channel-sync bucket workflows are started (see {@link
 * io.stockflow.workflows.sync.ChannelSyncSettings}). Changing {@code buckets} moves SKUs to other
 * bucket workflows; the old ones finish what they hold and idle out, and a SKU synced by two of
 * them meanwhile is harmless (both write levels).
 *
 * @param buckets bucket workflows {@code channel-sync/bucket-<n>}; a SKU's bucket is {@code
 *     floorMod(sku.hashCode(), buckets)}. Temporal cost: at most one SignalWithStart per bucket and
 *     poll batch
 * @param interval a bucket projects its changed SKUs and pushes to channels at most once per
 *     interval
 * @param idleTimeout a bucket workflow completes after this long without changes or pushes
 */
@ConfigurationProperties("stockflow.channel-sync")
public record ChannelSyncConfiguration(
    @Bindable(defaultValue = "8") int buckets,
    @Bindable(defaultValue = "30s") Duration interval,
    @Bindable(defaultValue = "10m") Duration idleTimeout) {}
