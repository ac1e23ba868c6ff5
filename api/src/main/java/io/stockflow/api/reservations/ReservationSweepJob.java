package io.stockflow.api.reservations;

import io.micronaut.context.annotation.Requires;
import io.micronaut.scheduling.annotation.Scheduled;
import jakarta.inject.Singleton;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ReservationSweeper#sweep} every {@code stockflow.reservations.sweep.interval} in the
 * api role (with {@code stockflow.api.enabled=false} there is none). Several instances sweeping at
 * once is safe; see {@link io.stockflow.db.reservations.ReservationSweep}.
 */
@Singleton
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Requires(property = "stockflow.reservations.sweep.enabled", notEquals = "false")
public class ReservationSweepJob {
  private static final Logger log = LoggerFactory.getLogger(ReservationSweepJob.class);

  private final ReservationSweeper sweeper;
  private final Clock clock = Clock.systemUTC();

  public ReservationSweepJob(ReservationSweeper sweeper) {
    this.sweeper = sweeper;
  }

  @Scheduled(
      fixedDelay = "${stockflow.reservations.sweep.interval:30s}",
      initialDelay = "${stockflow.reservations.sweep.interval:30s}")
  public void run() {
    try {
      sweeper.sweep(clock.instant());
    } catch (RuntimeException e) {
      // The next sweep tries again; a database outage must not end the schedule.
      log.warn("reservation sweep failed: {}", e.toString());
    }
  }
}
