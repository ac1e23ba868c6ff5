package io.stockflow.api.reservations;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Nullable;
import io.stockflow.db.Transactions;
import io.stockflow.db.reservations.ReservationSweep;
import jakarta.inject.Singleton;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Releases holds that ended by time, from the database alone: active holds past their TTL plus
 * {@code sweep.grace} (the fallback for when the changefeed → reservation-expiry workflow path is
 * down), and confirmed holds still without an order {@code confirmed-order-timeout} after their
 * confirm. The statements are {@link io.stockflow.db.reservations.ReservationReleases}', shared
 * with the expiry activity, so a hold both paths release is released once. {@link
 * ReservationSweepJob} calls {@link #sweep} periodically; tests call it with a fixed instant.
 */
@Singleton
public class ReservationSweeper {
  private static final Logger log = LoggerFactory.getLogger(ReservationSweeper.class);

  private final ReservationSweep sweep;
  private final ReservationsConfiguration config;
  private final ReservationSweepConfiguration sweepConfig;
  private final Counter expired;
  private final Counter unordered;
  private final Counter failed;

  public ReservationSweeper(
      Transactions transactions,
      ReservationsConfiguration config,
      ReservationSweepConfiguration sweepConfig,
      @Nullable MeterRegistry registry) {
    this.sweep =
        new ReservationSweep(transactions, sweepConfig.batchSize(), sweepConfig.maxBatches());
    this.config = config;
    this.sweepConfig = sweepConfig;
    this.expired = counter(registry, "expired", "active holds released past their TTL and grace");
    this.unordered =
        counter(registry, "unordered", "confirmed holds released with no order after the timeout");
    this.failed = counter(registry, "failed", "holds the sweep failed to release (retried)");
  }

  private static Counter counter(MeterRegistry registry, String outcome, String description) {
    return registry == null
        ? null
        : Counter.builder("stockflow.reservations.swept")
            .tag("outcome", outcome)
            .description(description)
            .register(registry);
  }

  /** One sweep as of {@code now}: releases what is due then, logs a line if it did anything. */
  public ReservationSweep.Result sweep(Instant now) {
    ReservationSweep.Result r =
        sweep.sweep(now.minus(sweepConfig.grace()), now.minus(config.confirmedOrderTimeout()));
    if (expired != null) {
      expired.increment(r.expired());
      unordered.increment(r.unordered());
      failed.increment(r.failed());
    }
    if (r.didSomething()) {
      log.info(
          "reservation sweep: released {} hold(s) past TTL + {} and {} confirmed hold(s) without an"
              + " order after {}; {} already ended by another path, {} failed",
          r.expired(),
          sweepConfig.grace(),
          r.unordered(),
          config.confirmedOrderTimeout(),
          r.skipped(),
          r.failed());
    }
    return r;
  }
}
