package io.stockflow.workflows.sync;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Channel sync effects. Both methods are idempotent: they set a level, never add to one. */
@ActivityInterface
public interface ChannelSyncActivities {

  /**
   * Computes the SKU's available-to-sell from the current rows and upserts {@code
   * channel_availability} for every active channel, in one transaction.
   *
   * @return one push per active channel that has a webhook
   */
  List<ChannelPush> project(String sku, long lowStockThreshold);

  /** POSTs the push to the channel's webhook ({@code Idempotency-Key: channel/sku/syncedAt}). */
  void push(ChannelPush push);
}
