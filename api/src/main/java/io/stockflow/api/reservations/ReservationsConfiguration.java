package io.stockflow.api.reservations;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import io.stockflow.db.SettingChecks;
import java.time.Duration;

/**
 * {@code stockflow.reservations.*}: how reservations behave.
 *
 * @param ttl how long an unconfirmed reservation holds stock. The reservation-expiry workflow
 *     releases it when this passes; confirm refuses it after
 * @param confirmedOrderTimeout how long a confirmed reservation may wait for its order. Confirming
 *     moves the units to allocated; a cart that is confirmed but never ordered would keep them
 *     allocated forever, so the reservation sweep ({@link ReservationSweeper}) releases it (status
 *     expired, allocated given back) once this has passed since the confirm. An order created
 *     before that wins; one that races the release either wins or gets 409, never both (see {@code
 *     ReservationReleases.releaseUnorderedIfDue}). Long enough for any checkout to place its order
 * @param groupCommit single-line carts for the same (sku, location) are coalesced into one
 *     transaction; false: every cart is its own transaction
 * @param maxQueue requests waiting per (sku, location) on one instance beyond the batch in flight;
 *     one more is answered 429 with Retry-After
 * @param maxBatch requests per group-commit transaction. Each runs under a savepoint; PostgreSQL
 *     keeps 64 subtransactions per transaction in shared memory before spilling to disk (subxid
 *     overflow), so more would slow every other session
 * @param batchWindow how long a batch waits for more requests before it starts. 0 is usually right:
 *     while one batch commits, newcomers queue and form the next, so the window adapts to the
 *     commit latency by itself and a lone request does not wait
 * @param retryAfter the 429's Retry-After
 */
@ConfigurationProperties("stockflow.reservations")
public record ReservationsConfiguration(
    @Bindable(defaultValue = "15m") Duration ttl,
    @Bindable(defaultValue = "24h") Duration confirmedOrderTimeout,
    @Bindable(defaultValue = "true") boolean groupCommit,
    @Bindable(defaultValue = "256") int maxQueue,
    @Bindable(defaultValue = "64") int maxBatch,
    @Bindable(defaultValue = "0s") Duration batchWindow,
    @Bindable(defaultValue = "1s") Duration retryAfter) {

  public ReservationsConfiguration {
    SettingChecks.positive("stockflow.reservations.ttl", ttl);
    SettingChecks.positive("stockflow.reservations.confirmed-order-timeout", confirmedOrderTimeout);
    SettingChecks.atLeast("stockflow.reservations.max-queue", maxQueue, 1);
    SettingChecks.atLeast("stockflow.reservations.max-batch", maxBatch, 1);
    SettingChecks.notNegative("stockflow.reservations.batch-window", batchWindow);
    SettingChecks.notNegative("stockflow.reservations.retry-after", retryAfter);
  }
}
