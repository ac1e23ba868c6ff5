package io.stockflow.subprocessors.sync;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.subprocessors.inventory.StockRules;
import io.stockflow.workflows.sync.ChannelSyncClient;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Tells the channel-sync bucket workflows which SKUs' availability may have changed; each bucket
 * projects its SKUs from the current rows and pushes to every channel at most once per interval. A
 * chunk of changes costs one SignalWithStart per bucket it touches (at most {@code buckets}), not
 * one per SKU.
 *
 * <p>No coalescing key: coalescing keeps only the newest change per key, and with a bucket as the
 * key that would drop the other SKUs of the bucket. The signal carries only SKU names, so order
 * between calls does not matter.
 */
@Singleton
public class ChannelSyncSubprocessor implements Subprocessor {
  public static final String NAME = "channel-sync";
  static final Duration LINGER = Duration.ofSeconds(1);
  private final ChannelSyncClient sync;

  public ChannelSyncSubprocessor(ChannelSyncClient sync) {
    this.sync = sync;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean shouldProcess(ChangeEvent e) {
    return e.after() != null && StockRules.affectsChannelAvailability(e);
  }

  @Override
  public void process(ChangeEvent e) {
    processBatch(List.of(e));
  }

  /** A whole poll batch at once: the signal per bucket is small (SKU names only). */
  @Override
  public int maxBatchSize() {
    return 10_000;
  }

  /**
   * Gather changes for up to a second: with {@code buckets} bucket workflows, channel sync then
   * costs at most {@code buckets} Temporal calls per second whatever the write rate (8/s by
   * default), for at most a second of extra latency — channels hear at most once per interval (30
   * s) anyway.
   */
  @Override
  public Duration batchLinger() {
    return LINGER;
  }

  /**
   * One {@link ChannelSyncClient#onSkusChanged} per bucket touched. A failure part-way is retried
   * as a whole; signalling a bucket twice is harmless.
   */
  @Override
  public void processBatch(List<ChangeEvent> events) {
    byBucket(sync, events).forEach(sync::onSkusChanged);
  }

  /** Bucket → distinct SKUs (the first key column of {@code inventory_levels}) of the changes. */
  static Map<Integer, List<String>> byBucket(ChannelSyncClient sync, List<ChangeEvent> events) {
    List<String> skus = new ArrayList<>(events.size());
    for (ChangeEvent e : events) skus.add(e.keyPart(0));
    return sync.byBucket(skus);
  }
}
