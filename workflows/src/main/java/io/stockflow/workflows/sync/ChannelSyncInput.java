package io.stockflow.workflows.sync;

import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.stream.StreamCarry;
import io.stockflow.workflows.stream.StreamOptions;

/**
 * Input of one {@link ChannelSyncWorkflow} run.
 *
 * @param lowStockThreshold available-to-sell at or below this (and above 0) is {@code low_stock}
 * @param carry events handed over by the previous run ({@link StreamCarry#empty()} for the first)
 */
public record ChannelSyncInput(
    String sku, long lowStockThreshold, StreamOptions options, StreamCarry<StockSnapshot> carry) {}
