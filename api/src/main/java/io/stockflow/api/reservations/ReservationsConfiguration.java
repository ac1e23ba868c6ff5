package io.stockflow.api.reservations;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code stockflow.reservations.*}: how reservations behave. */
@ConfigurationProperties("stockflow.reservations")
public class ReservationsConfiguration {
  private Duration ttl = Duration.ofMinutes(15);

  /**
   * How long an unconfirmed reservation holds stock ({@code stockflow.reservations.ttl}, default
   * 15m). The reservation-expiry workflow releases it when this passes; confirm refuses it after.
   */
  public Duration getTtl() {
    return ttl;
  }

  public void setTtl(Duration ttl) {
    if (ttl == null || ttl.isNegative() || ttl.isZero()) {
      throw new IllegalArgumentException("stockflow.reservations.ttl must be positive");
    }
    this.ttl = ttl;
  }

  private Duration confirmedOrderTimeout = Duration.ofHours(24);

  /**
   * How long a confirmed reservation may wait for its order ({@code
   * stockflow.reservations.confirmed-order-timeout}, default 24h). Confirming moves the units to
   * allocated; a cart that is confirmed but never ordered would keep them allocated forever, so the
   * reservation sweep ({@link ReservationSweeper}) releases it (status expired, allocated given
   * back) once this has passed since the confirm. An order created before that wins; one that races
   * the release either wins or gets 409, never both (see {@code
   * ReservationReleases.releaseUnorderedIfDue}). Long enough for any checkout to place its order.
   */
  public Duration getConfirmedOrderTimeout() {
    return confirmedOrderTimeout;
  }

  public void setConfirmedOrderTimeout(Duration confirmedOrderTimeout) {
    if (confirmedOrderTimeout == null
        || confirmedOrderTimeout.isNegative()
        || confirmedOrderTimeout.isZero()) {
      throw new IllegalArgumentException(
          "stockflow.reservations.confirmed-order-timeout must be positive");
    }
    this.confirmedOrderTimeout = confirmedOrderTimeout;
  }

  private boolean groupCommit = true;
  private int maxQueue = 256;
  private int maxBatch = 64;
  private Duration batchWindow = Duration.ZERO;
  private Duration retryAfter = Duration.ofSeconds(1);

  /**
   * {@code stockflow.reservations.group-commit} (default true): single-line carts for the same
   * (sku, location) are coalesced into one transaction. false: every cart is its own transaction.
   */
  public boolean isGroupCommit() {
    return groupCommit;
  }

  public void setGroupCommit(boolean groupCommit) {
    this.groupCommit = groupCommit;
  }

  /**
   * {@code stockflow.reservations.max-queue} (default 256): requests waiting per (sku, location) on
   * one instance beyond the batch in flight; one more is answered 429 with Retry-After.
   */
  public int getMaxQueue() {
    return maxQueue;
  }

  public void setMaxQueue(int maxQueue) {
    if (maxQueue < 1) throw new IllegalArgumentException("max-queue must be >= 1");
    this.maxQueue = maxQueue;
  }

  /**
   * {@code stockflow.reservations.max-batch} (default 64): requests per group-commit transaction.
   * Each runs under a savepoint; PostgreSQL keeps 64 subtransactions per transaction in shared
   * memory before spilling to disk (subxid overflow), so more would slow every other session.
   */
  public int getMaxBatch() {
    return maxBatch;
  }

  public void setMaxBatch(int maxBatch) {
    if (maxBatch < 1) throw new IllegalArgumentException("max-batch must be >= 1");
    this.maxBatch = maxBatch;
  }

  /**
   * {@code stockflow.reservations.batch-window} (default 0): how long a batch waits for more
   * requests before it starts. 0 is usually right: while one batch commits, newcomers queue and
   * form the next, so the window adapts to the commit latency by itself and a lone request does not
   * wait.
   */
  public Duration getBatchWindow() {
    return batchWindow;
  }

  public void setBatchWindow(Duration batchWindow) {
    if (batchWindow == null || batchWindow.isNegative()) {
      throw new IllegalArgumentException("batch-window must be >= 0");
    }
    this.batchWindow = batchWindow;
  }

  /** {@code stockflow.reservations.retry-after} (default 1s): the 429's Retry-After. */
  public Duration getRetryAfter() {
    return retryAfter;
  }

  public void setRetryAfter(Duration retryAfter) {
    if (retryAfter == null || retryAfter.isNegative()) {
      throw new IllegalArgumentException("retry-after must be >= 0");
    }
    this.retryAfter = retryAfter;
  }
}
