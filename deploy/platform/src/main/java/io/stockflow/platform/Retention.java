package io.stockflow.platform;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.TaskScheduler;
import io.stockflow.api.idempotency.Idempotency;
import io.stockflow.changefeed.consumer.ChangefeedTables;
import io.stockflow.db.Transactions;
import jakarta.inject.Named;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Housekeeping of the tables that only grow otherwise: stored idempotent responses, changefeed
 * fences and settled dead letters, each kept for its {@link RetentionConfiguration} duration. Runs
 * every {@code interval} in processes with the consumer role (one role owns it, so a fleet of API
 * instances does not multiply the work); several consumer instances sweeping at once is harmless.
 */
@Singleton
public class Retention {
  private static final Logger log = LoggerFactory.getLogger("stockflow");

  /** What one sweep deleted. */
  public record Swept(long idempotencyKeys, long fences, long deadLetters) {
    long total() {
      return idempotencyKeys + fences + deadLetters;
    }
  }

  private final RetentionConfiguration settings;
  private final Provider<Transactions> transactions;
  private final PlatformRoles roles;
  private final TaskScheduler scheduler;
  private final Clock clock;

  public Retention(
      RetentionConfiguration settings,
      Provider<Transactions> transactions,
      PlatformRoles roles,
      @Named(TaskExecutors.SCHEDULED) TaskScheduler scheduler) {
    this(settings, transactions, roles, scheduler, Clock.systemUTC());
  }

  Retention(
      RetentionConfiguration settings,
      Provider<Transactions> transactions,
      PlatformRoles roles,
      TaskScheduler scheduler,
      Clock clock) {
    this.settings = settings;
    this.transactions = transactions;
    this.roles = roles;
    this.scheduler = scheduler;
    this.clock = clock;
  }

  @EventListener
  public void onStartup(StartupEvent event) {
    if (!roles.consumer()) return;
    // The first sweep waits a little: start-up has enough to do.
    scheduler.scheduleWithFixedDelay(
        Duration.ofMinutes(1).compareTo(settings.interval()) < 0
            ? Duration.ofMinutes(1)
            : settings.interval(),
        settings.interval(),
        this::sweepLogged);
  }

  /** One sweep over the three tables, now. */
  public Swept sweep() {
    Instant now = clock.instant();
    Transactions tx = transactions.get();
    long keys =
        Idempotency.deleteRecordedBefore(
            tx, now.minus(settings.idempotencyKeys()), settings.pageSize());
    long fences =
        ChangefeedTables.deleteFencesUntouchedSince(
            tx, now.minus(settings.fences()), settings.pageSize());
    long letters =
        ChangefeedTables.deleteDeadLettersSettledBefore(
            tx, now.minus(settings.deadLetters()), settings.pageSize());
    return new Swept(keys, fences, letters);
  }

  private void sweepLogged() {
    try {
      Swept s = sweep();
      if (s.total() > 0)
        log.info(
            "retention: deleted {} idempotency keys older than {}, {} fences untouched for {},"
                + " {} dead letters settled more than {} ago",
            s.idempotencyKeys(),
            settings.idempotencyKeys(),
            s.fences(),
            settings.fences(),
            s.deadLetters(),
            settings.deadLetters());
    } catch (RuntimeException e) {
      // The next interval tries again; a failed sweep loses nothing.
      log.warn("retention sweep failed; retrying in {}", settings.interval(), e);
    }
  }
}
