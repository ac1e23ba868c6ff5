package io.stockflow.workflows.stream;

import java.time.Duration;

/**
 * Tuning of a {@link StreamWorkflowBase} run, carried in the workflow input.
 *
 * @param idleTimeout the workflow completes after this long without events (the next event starts
 *     it again through SignalWithStart)
 * @param maxBatchSize at most this many queued events per {@link StreamWorkflowBase#handleBatch}
 * @param minInterval pause after each batch, during which new events only queue up: the batch
 *     handler runs at most once per interval (zero for no pause)
 * @param maxEventsPerRun continue as new after handling this many events (besides whenever Temporal
 *     suggests it)
 * @param maxRunDuration continue as new after a run has lasted this long
 * @param dedupWindow how many recent event ids are remembered (and carried across continue-as-new)
 *     to drop repeated events
 */
public record StreamOptions(
    Duration idleTimeout,
    int maxBatchSize,
    Duration minInterval,
    int maxEventsPerRun,
    Duration maxRunDuration,
    int dedupWindow) {

  public StreamOptions {
    if (maxBatchSize < 1) throw new IllegalArgumentException("maxBatchSize must be >= 1");
    if (maxEventsPerRun < 1) throw new IllegalArgumentException("maxEventsPerRun must be >= 1");
    if (dedupWindow < 0) throw new IllegalArgumentException("dedupWindow must be >= 0");
  }
}
