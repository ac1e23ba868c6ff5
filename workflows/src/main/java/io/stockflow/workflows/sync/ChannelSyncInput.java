package io.stockflow.workflows.sync;

import java.util.List;
import java.util.Map;

/**
 * Input of one run of a bucket's {@link ChannelSyncWorkflow}.
 *
 * @param bucket the bucket number, {@code 0 ≤ bucket < settings.buckets()}
 * @param dirty SKUs handed over by the previous run that every channel still has to hear about
 *     (empty for a first run)
 * @param unconfirmed per channel, SKUs handed over whose push that channel has not confirmed
 *     (waiting, or in flight when the previous run continued as new). Only names are carried: the
 *     next run re-projects them from the current rows.
 */
public record ChannelSyncInput(
    int bucket,
    ChannelSyncSettings settings,
    List<String> dirty,
    Map<String, List<String>> unconfirmed) {

  /** A first run. */
  public static ChannelSyncInput first(int bucket, ChannelSyncSettings settings) {
    return new ChannelSyncInput(bucket, settings, List.of(), Map.of());
  }
}
