package io.stockflow.workflows.sync;

import static io.stockflow.db.jooq.Tables.CHANNELS;
import static io.stockflow.db.jooq.Tables.CHANNEL_AVAILABILITY;
import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.LOCATIONS;

import io.stockflow.db.Transactions;
import io.stockflow.workflows.WebhookSender;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;

/**
 * Available-to-sell of a SKU = Σ over its sellable rows at active locations of max(0, on_hand −
 * allocated − reserved − safety_stock). Safety stock is held back per location (a miscount there
 * must not oversell online), and the floor is per location so one location below its safety stock
 * does not hide another's stock. Damaged units are never in on_hand. Thread-safe.
 */
public final class ChannelSyncActivitiesImpl implements ChannelSyncActivities {
  private final Transactions transactions;
  private final WebhookSender webhooks;

  public ChannelSyncActivitiesImpl(Transactions transactions, WebhookSender webhooks) {
    this.transactions = transactions;
    this.webhooks = webhooks;
  }

  /** in_stock, low_stock (0 < ats ≤ threshold) or out_of_stock. */
  static String status(long availableToSell, long lowStockThreshold) {
    if (availableToSell <= 0) return "out_of_stock";
    return availableToSell <= lowStockThreshold ? "low_stock" : "in_stock";
  }

  @Override
  public List<ChannelPush> project(String sku, long lowStockThreshold) {
    return transactions.run(
        tx -> {
          long ats = 0;
          for (var r :
              tx.select(
                      INVENTORY_LEVELS.ON_HAND,
                      INVENTORY_LEVELS.ALLOCATED,
                      INVENTORY_LEVELS.RESERVED,
                      INVENTORY_LEVELS.SAFETY_STOCK)
                  .from(INVENTORY_LEVELS)
                  .join(LOCATIONS)
                  .on(LOCATIONS.ID.eq(INVENTORY_LEVELS.LOCATION_ID))
                  .where(INVENTORY_LEVELS.SKU.eq(sku))
                  .and(INVENTORY_LEVELS.SELLABLE.isTrue())
                  .and(LOCATIONS.ACTIVE.isTrue())
                  .fetch()) {
            ats += Math.max(0, r.value1() - r.value2() - r.value3() - r.value4());
          }
          String status = status(ats, lowStockThreshold);
          OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
          List<ChannelPush> pushes = new ArrayList<>();
          for (var channel :
              tx.select(CHANNELS.ID, CHANNELS.WEBHOOK_URL)
                  .from(CHANNELS)
                  .where(CHANNELS.ACTIVE.isTrue())
                  .orderBy(CHANNELS.ID)
                  .fetch()) {
            tx.insertInto(CHANNEL_AVAILABILITY)
                .set(CHANNEL_AVAILABILITY.CHANNEL_ID, channel.value1())
                .set(CHANNEL_AVAILABILITY.SKU, sku)
                .set(CHANNEL_AVAILABILITY.AVAILABLE_TO_SELL, ats)
                .set(CHANNEL_AVAILABILITY.STATUS, status)
                .set(CHANNEL_AVAILABILITY.SYNCED_AT, now)
                .onConflict(CHANNEL_AVAILABILITY.CHANNEL_ID, CHANNEL_AVAILABILITY.SKU)
                .doUpdate()
                .set(CHANNEL_AVAILABILITY.AVAILABLE_TO_SELL, ats)
                .set(CHANNEL_AVAILABILITY.STATUS, status)
                .set(CHANNEL_AVAILABILITY.SYNCED_AT, now)
                .execute();
            if (channel.value2() != null) {
              pushes.add(
                  new ChannelPush(
                      channel.value1(), channel.value2(), sku, ats, status, now.toInstant()));
            }
          }
          return pushes;
        });
  }

  @Override
  public void push(ChannelPush push) {
    webhooks.post(
        push.webhookUrl(), push.channelId() + "/" + push.sku() + "/" + push.syncedAt(), push);
  }
}
