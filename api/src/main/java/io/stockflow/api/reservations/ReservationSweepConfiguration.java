package io.stockflow.api.reservations;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.stockflow.db.SettingChecks;
import java.time.Duration;

/**
 * {@code stockflow.reservations.sweep.*}: the database sweep of holds that ended by time.
 *
 * @param enabled run the sweep periodically in the api role. Every api instance sweeps; that is
 *     safe (each hold is released by a conditional UPDATE, once) and keeps the fallback alive as
 *     long as any instance is
 * @param interval pause between two sweeps
 * @param grace how long past its TTL an active hold is left to the reservation-expiry workflow
 *     before the sweep releases it. The workflow is the normal path (it releases at the TTL to the
 *     second); the grace keeps the sweep out of its way while it is healthy, and bounds how long
 *     stock stays held past its TTL while it is not
 * @param batchSize candidates read per query; each is released in its own short transaction
 * @param maxBatches batches per kind and sweep; what is left waits for the next sweep, so one sweep
 *     after a long outage stays bounded
 */
@ConfigurationProperties("stockflow.reservations.sweep")
public record ReservationSweepConfiguration(
    @Bindable(defaultValue = "true") boolean enabled,
    @Bindable(defaultValue = "30s") Duration interval,
    @Bindable(defaultValue = "2m") Duration grace,
    @Bindable(defaultValue = "100") int batchSize,
    @Bindable(defaultValue = "20") int maxBatches) {

  public ReservationSweepConfiguration {
    SettingChecks.positive("stockflow.reservations.sweep.interval", interval);
    SettingChecks.notNegative("stockflow.reservations.sweep.grace", grace);
    SettingChecks.atLeast("stockflow.reservations.sweep.batch-size", batchSize, 1);
    SettingChecks.atLeast("stockflow.reservations.sweep.max-batches", maxBatches, 1);
  }
}
