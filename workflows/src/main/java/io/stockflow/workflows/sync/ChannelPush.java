package io.stockflow.workflows.sync;

import java.util.List;

/**
 * What one channel is told in one webhook POST: the availability of several SKUs of one bucket.
 *
 * @param items one per SKU, in SKU order
 */
public record ChannelPush(String channelId, String webhookUrl, List<SkuAvailability> items) {

  /**
   * The webhook's JSON body: {@code {"channelId": …, "items": [{"sku", "availableToSell", "status",
   * "syncedAt"}, …]}}. A separate record so the URL is not posted, while the activity input
   * (serialised by Temporal's Jackson converter) keeps it.
   */
  public record Body(String channelId, List<SkuAvailability> items) {}

  public Body body() {
    return new Body(channelId, items);
  }
}
