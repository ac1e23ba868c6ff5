package io.stockflow.changefeed.consumer;

/**
 * The names of the processor's Micrometer meters, which dashboards, alerts and the deployment
 * checks read; the meters are tagged {@code topic} and (where it applies) {@code subprocessor}.
 * Names (Prometheus adds {@code _total} / {@code _seconds}):
 *
 * <ul>
 *   <li>{@value #RECEIVED} — row changes decoded (topic)
 *   <li>{@value #PROCESSED} — successful {@code process} calls, i.e. downstream calls
 *   <li>{@value #SKIPPED_STALE} — changes at or below the subprocessor's fence
 *   <li>{@value #SKIPPED_BACKFILL} — rows re-emitted without a data change (a schema-change
 *       backfill) that the subprocessor has not opted in to
 *   <li>{@value #RETRIED} — retry attempts after a failed {@code process}
 *   <li>{@value #DEAD_LETTERED} — messages dead-lettered, extra tag {@code reason} = failure |
 *       paused | undecodable (subprocessor {@code ""} for undecodable)
 *   <li>{@value #COALESCED} — changes absorbed by a newer one with the same coalescing key
 *   <li>{@value #REDRIVEN} — dead letters re-driven successfully
 *   <li>{@value #LATENCY} — timer from the change's commit ({@code updated}) to handled
 *   <li>{@value #CONSUMER_LAG} — records behind the end offsets of the assigned partitions (topic)
 *   <li>{@value #WATERMARK_LAG} — seconds between now and the feed's watermark (topic; NaN until
 *       every assigned partition has seen a resolved timestamp)
 *   <li>{@value #DEFERRED} — changes waiting for the watermark (topic)
 *   <li>{@value #LANE_QUEUED} — records consumed and not yet handled by a subprocessor's lane
 *   <li>{@value #LANE_FAILING} — 1 while a lane's batches fail as a whole (an outage), else 0
 *   <li>{@value #FETCH_PAUSED} — 1 while a full lane keeps the topic's consumer from fetching
 *       (topic)
 * </ul>
 */
public final class ChangefeedMeters {
  public static final String RECEIVED = "stockflow.changefeed.received";
  public static final String PROCESSED = "stockflow.changefeed.processed";
  public static final String SKIPPED_STALE = "stockflow.changefeed.skipped.stale";
  public static final String SKIPPED_BACKFILL = "stockflow.changefeed.skipped.backfill";
  public static final String RETRIED = "stockflow.changefeed.retried";
  public static final String DEAD_LETTERED = "stockflow.changefeed.dead.lettered";
  public static final String COALESCED = "stockflow.changefeed.coalesced";
  public static final String REDRIVEN = "stockflow.changefeed.redriven";
  public static final String LATENCY = "stockflow.changefeed.handled.latency";
  public static final String CONSUMER_LAG = "stockflow.changefeed.consumer.lag";
  public static final String WATERMARK_LAG = "stockflow.changefeed.watermark.lag";
  public static final String DEFERRED = "stockflow.changefeed.deferred";
  public static final String LANE_QUEUED = "stockflow.changefeed.lane.queued";
  public static final String LANE_FAILING = "stockflow.changefeed.lane.failing";
  public static final String FETCH_PAUSED = "stockflow.changefeed.fetch.paused";

  private ChangefeedMeters() {}
}
