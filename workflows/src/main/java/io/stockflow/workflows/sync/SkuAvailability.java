package io.stockflow.workflows.sync;

import java.time.Instant;

/**
 * What channels are told about one SKU: one item of a {@link ChannelPush} and of the channel
 * webhook's JSON body.
 *
 * @param status an {@link io.stockflow.stock.AvailabilityStatus} code
 * @param syncedAt when the projection row was written; a receiver keeps the newest per SKU
 */
public record SkuAvailability(String sku, long availableToSell, String status, Instant syncedAt) {}
