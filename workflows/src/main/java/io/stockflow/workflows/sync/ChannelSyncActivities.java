package io.stockflow.workflows.sync;

import io.temporal.activity.ActivityInterface;
import java.util.List;

/** Channel sync effects. Both methods are idempotent: they set levels, never add to one. */
@ActivityInterface
public interface ChannelSyncActivities {

  /**
   * Computes available-to-sell of every given SKU from the current rows and upserts {@code
   * channel_availability} for every active channel, in one transaction. Reading the rows here,
   * rather than trusting values carried in signals, is what keeps a channel from ever being told a
   * stale level. The status bands are the worker's {@link io.stockflow.stock.AvailabilitySettings},
   * the API's too.
   *
   * @return one push per active channel that has a webhook, each with an item per SKU
   */
  List<ChannelPush> project(List<String> skus);

  /**
   * POSTs {@link ChannelPush#body()} to the channel's webhook with {@code Idempotency-Key:
   * idempotencyKey}, the same on every retry of this push.
   */
  void push(ChannelPush push, String idempotencyKey);
}
