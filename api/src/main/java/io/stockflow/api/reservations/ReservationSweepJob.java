package io.stockflow.api.reservations;

import io.micronaut.context.annotation.Requires;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.util.concurrent.ScheduledFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs {@link ReservationSweeper#sweep} every {@code stockflow.reservations.sweep.interval} in the
 * api role (with {@code stockflow.api.enabled=false} there is none) unless {@code
 * stockflow.reservations.sweep.enabled=false}. Scheduled from {@link ReservationSweepConfiguration}
 * rather than with {@code @Scheduled}, whose interval placeholder would state the default a second
 * time. Several instances sweeping at once is safe; see {@link
 * io.stockflow.db.reservations.ReservationSweep}.
 */
@Singleton
@Requires(property = "stockflow.api.enabled", notEquals = "false")
public class ReservationSweepJob {
  private static final Logger log = LoggerFactory.getLogger(ReservationSweepJob.class);

  private final Provider<ReservationSweeper> sweeper;
  private final ReservationSweepConfiguration config;
  private final TaskScheduler scheduler;
  private final Clock clock = Clock.systemUTC();
  private ScheduledFuture<?> schedule;

  /**
   * @param sweeper resolved at the first sweep: the database is not needed to start the process
   */
  public ReservationSweepJob(
      Provider<ReservationSweeper> sweeper,
      ReservationSweepConfiguration config,
      @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
    this.sweeper = sweeper;
    this.config = config;
    this.scheduler = scheduler;
  }

  @EventListener
  public synchronized void onStartup(StartupEvent event) {
    if (!config.enabled() || schedule != null) return;
    schedule = scheduler.scheduleWithFixedDelay(config.interval(), config.interval(), this::run);
  }

  @PreDestroy
  public synchronized void stop() {
    if (schedule != null) schedule.cancel(false);
  }

  void run() {
    try {
      sweeper.get().sweep(clock.instant());
    } catch (RuntimeException e) {
      // The next sweep tries again; a database outage must not end the schedule.
      log.warn("reservation sweep failed: {}", e.toString());
    }
  }
}
