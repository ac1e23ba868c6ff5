package io.stockflow.workflows.alerts;

/**
 * The {@code alerts} row of one episode.
 *
 * @param episodeKey e.g. {@code low_stock/JERKY-TERIYAKI-3OZ/SEA1/2}
 * @param notifyCount notifications already delivered (survives continue-as-new and re-drives)
 * @param acknowledgedBy who acknowledged it; null while it is open
 */
public record AlertRecord(String id, String episodeKey, long notifyCount, String acknowledgedBy) {}
