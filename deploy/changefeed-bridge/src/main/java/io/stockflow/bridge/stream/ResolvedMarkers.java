package io.stockflow.bridge.stream;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes the resolved-timestamp markers into the WAL: every interval, a transaction of its own
 * running {@code pg_logical_emit_message(true, prefix, '<session> <clock_timestamp in µs>')}. It
 * reaches {@link ChangeHandler} in commit order after every transaction committed before it — also
 * when no watched table changes. The message is transactional on purpose: its commit flushes the
 * WAL (synchronous_commit), whereas a non-transactional message can sit in an unwritten WAL page
 * while the database is idle, and logical decoding only ships flushed WAL. See {@link
 * ChangeHandler} for how markers become resolved messages.
 *
 * <p>Own thread and connection; a failed write is logged and retried at the next tick (resolved
 * pauses, nothing else does). {@link #close()} is idempotent.
 */
public final class ResolvedMarkers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResolvedMarkers.class);

  private final DataSource database;
  private final String prefix;
  private final String session;
  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(
          r -> {
            Thread t = new Thread(r, "changefeed-bridge-resolved");
            t.setDaemon(true);
            return t;
          });
  private Connection connection;
  private boolean failing;

  public ResolvedMarkers(DataSource database, String prefix, String session) {
    this.database = database;
    this.prefix = prefix;
    this.session = session;
  }

  public void start(Duration interval) {
    timer.scheduleWithFixedDelay(this::emit, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void emit() {
    try {
      if (connection == null) connection = database.getConnection();
      try (PreparedStatement ps =
          connection.prepareStatement(
              "SELECT pg_logical_emit_message(true, ?, ? || ' ' ||"
                  + " (extract(epoch FROM clock_timestamp()) * 1000000)::bigint)")) {
        ps.setString(1, prefix);
        ps.setString(2, session);
        ps.execute();
      }
      if (failing) log.info("changefeed bridge: resolved markers are written again");
      failing = false;
    } catch (SQLException e) {
      if (!failing)
        log.warn(
            "changefeed bridge: cannot write a resolved marker ({}); resolved timestamps pause",
            e.getMessage());
      failing = true;
      closeConnection();
    }
  }

  private void closeConnection() {
    if (connection == null) return;
    try {
      connection.close();
    } catch (SQLException ignored) {
      // The connection is broken already; nothing to release beyond what close attempted.
    }
    connection = null;
  }

  @Override
  public void close() {
    timer.shutdownNow();
    try {
      timer.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeConnection();
  }
}
