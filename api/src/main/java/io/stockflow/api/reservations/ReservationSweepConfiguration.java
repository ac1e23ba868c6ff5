package io.stockflow.api.reservations;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;

/** {@code stockflow.reservations.sweep.*}: the database sweep of holds that ended by time. */
@ConfigurationProperties("stockflow.reservations.sweep")
public class ReservationSweepConfiguration {
  private boolean enabled = true;
  private Duration interval = Duration.ofSeconds(30);
  private Duration grace = Duration.ofMinutes(2);
  private int batchSize = 100;
  private int maxBatches = 20;

  /**
   * {@code stockflow.reservations.sweep.enabled} (default true): run the sweep periodically in the
   * api role. Every api instance sweeps; that is safe (each hold is released by a conditional
   * UPDATE, once) and keeps the fallback alive as long as any instance is.
   */
  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  /** {@code stockflow.reservations.sweep.interval} (default 30s): pause between two sweeps. */
  public Duration getInterval() {
    return interval;
  }

  public void setInterval(Duration interval) {
    if (interval == null || interval.isNegative() || interval.isZero()) {
      throw new IllegalArgumentException("stockflow.reservations.sweep.interval must be positive");
    }
    this.interval = interval;
  }

  /**
   * {@code stockflow.reservations.sweep.grace} (default 2m): how long past its TTL an active hold
   * is left to the reservation-expiry workflow before the sweep releases it. The workflow is the
   * normal path (it releases at the TTL to the second); the grace keeps the sweep out of its way
   * while it is healthy, and bounds how long stock stays held past its TTL while it is not.
   */
  public Duration getGrace() {
    return grace;
  }

  public void setGrace(Duration grace) {
    if (grace == null || grace.isNegative()) {
      throw new IllegalArgumentException("stockflow.reservations.sweep.grace must be >= 0");
    }
    this.grace = grace;
  }

  /**
   * {@code stockflow.reservations.sweep.batch-size} (default 100): candidates read per query; each
   * is released in its own short transaction.
   */
  public int getBatchSize() {
    return batchSize;
  }

  public void setBatchSize(int batchSize) {
    if (batchSize < 1) throw new IllegalArgumentException("sweep.batch-size must be >= 1");
    this.batchSize = batchSize;
  }

  /**
   * {@code stockflow.reservations.sweep.max-batches} (default 20): batches per kind and sweep; what
   * is left waits for the next sweep, so one sweep after a long outage stays bounded.
   */
  public int getMaxBatches() {
    return maxBatches;
  }

  public void setMaxBatches(int maxBatches) {
    if (maxBatches < 1) throw new IllegalArgumentException("sweep.max-batches must be >= 1");
    this.maxBatches = maxBatches;
  }
}
