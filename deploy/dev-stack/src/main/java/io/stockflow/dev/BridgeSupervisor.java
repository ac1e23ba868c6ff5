package io.stockflow.dev;

import io.stockflow.bridge.BridgeHealth;
import io.stockflow.bridge.FatalBridgeException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the dev stack's in-process changefeed bridge running: when it stops with an error it is
 * started again after a backoff, 1 s doubling to 30 s (reset once a run lasted 30 s), with one log
 * line per restart. A {@link FatalBridgeException} (e.g. the replication slot is gone) is not
 * retried: it is logged loudly and the bridge stays stopped, since a restart cannot fix it and
 * would only hide it. {@link #status()} says whether the bridge runs, for the "bridge" health
 * indicator.
 */
final class BridgeSupervisor implements BridgeHealth, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("stockflow");

  /** One started bridge, as the supervisor sees it. */
  interface Instance extends AutoCloseable {
    /** Blocks until the bridge stops (by {@link #close()} or by itself). */
    void awaitTermination() throws InterruptedException;

    /** Why it stopped by itself; empty while it runs or when it was closed. */
    Optional<Throwable> failure();

    @Override
    void close();
  }

  private final Supplier<Instance> starter;
  private final Duration firstDelay;
  private final Duration maxDelay;
  private final CountDownLatch closing = new CountDownLatch(1);
  private final Thread watcher;
  private Instance current; // guarded by this
  private volatile Status status = new Status(true, 0, null, false);

  private BridgeSupervisor(Supplier<Instance> starter, Duration firstDelay, Duration maxDelay) {
    this.starter = starter;
    this.firstDelay = firstDelay;
    this.maxDelay = maxDelay;
    this.watcher = new Thread(this::watch, "changefeed-bridge-supervisor");
    watcher.setDaemon(true);
  }

  /**
   * Starts the bridge and watches it. A failure of this first start is thrown (the dev stack does
   * not come up without its changefeed).
   */
  static BridgeSupervisor start(
      Supplier<Instance> starter, Duration firstDelay, Duration maxDelay) {
    BridgeSupervisor s = new BridgeSupervisor(starter, firstDelay, maxDelay);
    s.current = starter.get();
    s.watcher.start();
    return s;
  }

  /** The delay before the restart after one that waited {@code previous}. */
  static Duration nextDelay(Duration previous, Duration max) {
    Duration doubled = previous.multipliedBy(2);
    return doubled.compareTo(max) > 0 ? max : doubled;
  }

  private void watch() {
    Duration delay = firstDelay;
    try {
      while (true) {
        Instance running;
        synchronized (this) {
          running = current;
        }
        long startedAt = System.nanoTime();
        running.awaitTermination();
        if (closing.getCount() == 0) return;
        Throwable failure = running.failure().orElse(null);
        running.close();
        if (failure == null) {
          // Only an unstreamable declaration ends a bridge without an error; a restart would too.
          stopForGood("changefeed bridge stopped by itself (no table can be streamed, see above)");
          return;
        }
        if (failure instanceof FatalBridgeException) {
          stopForGood(failure.getMessage());
          return;
        }
        if (Duration.ofNanos(System.nanoTime() - startedAt).compareTo(maxDelay) >= 0)
          delay = firstDelay;
        String reason = String.valueOf(failure.getMessage());
        while (true) {
          status = new Status(false, status.restarts(), reason, false);
          log.warn(
              "changefeed bridge stopped ({}); restart #{} in {} s",
              reason,
              status.restarts() + 1,
              delay.toMillis() / 1000.0);
          if (closing.await(delay.toMillis(), TimeUnit.MILLISECONDS)) return;
          delay = nextDelay(delay, maxDelay);
          try {
            Instance next = starter.get();
            synchronized (this) {
              if (closing.getCount() == 0) {
                next.close();
                return;
              }
              current = next;
            }
            status = new Status(true, status.restarts() + 1, reason, false);
            log.info("changefeed bridge restarted (restart #{})", status.restarts());
            break;
          } catch (FatalBridgeException e) {
            stopForGood(e.getMessage());
            return;
          } catch (RuntimeException e) {
            reason = String.valueOf(e.getMessage());
          }
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void stopForGood(String reason) {
    status = new Status(false, status.restarts(), reason, true);
    log.error(
        "changefeed bridge STOPPED and will not be restarted: {} (no changes reach Kafka until this"
            + " is fixed and the dev stack restarted)",
        reason);
  }

  @Override
  public Status status() {
    return status;
  }

  /** Stops the bridge and the supervision; idempotent. */
  @Override
  public void close() {
    closing.countDown();
    Instance i;
    synchronized (this) {
      i = current;
    }
    if (i != null) i.close();
    try {
      watcher.join(TimeUnit.SECONDS.toMillis(90));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (!status.fatal()) status = new Status(false, status.restarts(), status.lastFailure(), false);
  }
}
