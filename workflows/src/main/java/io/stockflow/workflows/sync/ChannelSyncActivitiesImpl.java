package io.stockflow.workflows.sync;

import static io.stockflow.db.jooq.Tables.CHANNELS;
import static io.stockflow.db.jooq.Tables.CHANNEL_AVAILABILITY;
import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;
import static io.stockflow.db.jooq.Tables.LOCATIONS;
import static io.stockflow.db.jooq.Tables.SKUS;

import io.stockflow.db.Transactions;
import io.stockflow.stock.Availability;
import io.stockflow.stock.AvailabilitySettings;
import io.stockflow.workflows.WebhookSender;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Available-to-sell of a SKU = Σ over its sellable rows at active locations of the row's {@link
 * Availability#availableToSell available to sell}, banded by {@link AvailabilitySettings#status}:
 * the same figures and bands as the API's availability endpoint. Damaged units are never in
 * on_hand. Thread-safe.
 */
public final class ChannelSyncActivitiesImpl implements ChannelSyncActivities {
  private final Transactions transactions;
  private final WebhookSender webhooks;
  private final AvailabilitySettings availability;

  public ChannelSyncActivitiesImpl(
      Transactions transactions, WebhookSender webhooks, AvailabilitySettings availability) {
    this.transactions = transactions;
    this.webhooks = webhooks;
    this.availability = availability;
  }

  @Override
  public List<ChannelPush> project(List<String> skus) {
    // Sorted and de-duplicated: one upsert per (channel, SKU), always in the same order.
    TreeSet<String> wanted = new TreeSet<>(skus);
    return transactions.run(
        tx -> {
          Map<String, Long> ats = new TreeMap<>();
          // Only catalogued SKUs (channel_availability references skus): one SKU deleted from the
          // catalogue must not make the whole bucket's projection fail forever. A catalogued SKU
          // without sellable rows has nothing to sell.
          for (String sku :
              tx.select(SKUS.SKU).from(SKUS).where(SKUS.SKU.in(wanted)).fetch(SKUS.SKU)) {
            ats.put(sku, 0L);
          }
          for (var r :
              tx.select(
                      INVENTORY_LEVELS.SKU,
                      INVENTORY_LEVELS.ON_HAND,
                      INVENTORY_LEVELS.ALLOCATED,
                      INVENTORY_LEVELS.RESERVED,
                      INVENTORY_LEVELS.SAFETY_STOCK)
                  .from(INVENTORY_LEVELS)
                  .join(LOCATIONS)
                  .on(LOCATIONS.ID.eq(INVENTORY_LEVELS.LOCATION_ID))
                  .where(INVENTORY_LEVELS.SKU.in(wanted))
                  .and(INVENTORY_LEVELS.SELLABLE.isTrue())
                  .and(LOCATIONS.ACTIVE.isTrue())
                  .fetch()) {
            long available = Availability.available(r.value2(), r.value3(), r.value4());
            ats.computeIfPresent(
                r.value1(),
                (sku, sum) -> sum + Availability.availableToSell(available, r.value5()));
          }
          OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC).truncatedTo(ChronoUnit.MICROS);
          List<SkuAvailability> items = new ArrayList<>();
          ats.forEach(
              (sku, n) ->
                  items.add(
                      new SkuAvailability(sku, n, availability.status(n).code(), now.toInstant())));
          List<ChannelPush> pushes = new ArrayList<>();
          for (var channel :
              tx.select(CHANNELS.ID, CHANNELS.WEBHOOK_URL)
                  .from(CHANNELS)
                  .where(CHANNELS.ACTIVE.isTrue())
                  .orderBy(CHANNELS.ID)
                  .fetch()) {
            for (SkuAvailability item : items) {
              tx.insertInto(CHANNEL_AVAILABILITY)
                  .set(CHANNEL_AVAILABILITY.CHANNEL_ID, channel.value1())
                  .set(CHANNEL_AVAILABILITY.SKU, item.sku())
                  .set(CHANNEL_AVAILABILITY.AVAILABLE_TO_SELL, item.availableToSell())
                  .set(CHANNEL_AVAILABILITY.STATUS, item.status())
                  .set(CHANNEL_AVAILABILITY.SYNCED_AT, now)
                  .onConflict(CHANNEL_AVAILABILITY.CHANNEL_ID, CHANNEL_AVAILABILITY.SKU)
                  .doUpdate()
                  .set(CHANNEL_AVAILABILITY.AVAILABLE_TO_SELL, item.availableToSell())
                  .set(CHANNEL_AVAILABILITY.STATUS, item.status())
                  .set(CHANNEL_AVAILABILITY.SYNCED_AT, now)
                  .execute();
            }
            if (channel.value2() != null) {
              pushes.add(new ChannelPush(channel.value1(), channel.value2(), List.copyOf(items)));
            }
          }
          return pushes;
        });
  }

  /** One POST per channel and push, whatever the number of SKUs in it. */
  @Override
  public void push(ChannelPush push, String idempotencyKey) {
    webhooks.post(push.webhookUrl(), idempotencyKey, push.body());
  }
}
