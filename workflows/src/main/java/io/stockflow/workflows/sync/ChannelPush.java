package io.stockflow.workflows.sync;

import java.time.Instant;

/**
 * What one channel is told about one SKU; also the channel webhook's JSON body.
 *
 * @param status {@code in_stock}, {@code low_stock} or {@code out_of_stock}
 * @param syncedAt when the projection row was written; with channel and SKU the webhook's
 *     idempotency key
 */
public record ChannelPush(
    String channelId,
    String webhookUrl,
    String sku,
    long availableToSell,
    String status,
    Instant syncedAt) {}
