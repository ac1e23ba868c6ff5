package io.stockflow.db;

import java.sql.SQLException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way this codebase runs a database transaction: CockroachDB aborts serializable
 * transactions under contention with SQLSTATE 40001 and expects the client to run them again, so
 * every transaction goes through {@link #run}, which retries on 40001 (PostgreSQL's
 * serialization_failure uses the same code) with jittered exponential backoff.
 *
 * <p>The work must therefore be safe to run more than once: do only database work inside it, never
 * an external call. Thread-safe; holds no state besides its configuration.
 */
public final class Transactions {
  private static final Logger log = LoggerFactory.getLogger(Transactions.class);
  static final String SERIALIZATION_FAILURE = "40001";

  /**
   * PostgreSQL's deadlock_detected: the victim's transaction was rolled back whole, so running it
   * again is exactly as safe as after a 40001. Code keeps one lock order (sku, location) wherever
   * it can; this is the backstop for the cases it cannot (e.g. a cart trying a second location).
   */
  static final String DEADLOCK_DETECTED = "40P01";

  private final DSLContext dsl;
  private final int maxAttempts;
  private final Duration baseBackoff;

  public Transactions(DSLContext dsl) {
    this(dsl, 12, Duration.ofMillis(5));
  }

  public Transactions(DSLContext dsl, int maxAttempts, Duration baseBackoff) {
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    this.dsl = dsl;
    this.maxAttempts = maxAttempts;
    this.baseBackoff = baseBackoff;
  }

  /** Work done inside one transaction; receives a DSLContext bound to it. */
  @FunctionalInterface
  public interface Work<T> {
    T apply(DSLContext tx) throws Exception;
  }

  /**
   * Runs {@code work} in a transaction, retrying it on SQLSTATE 40001; other failures propagate at
   * once.
   */
  public <T> T run(Work<T> work) {
    for (int attempt = 1; ; attempt++) {
      try {
        return dsl.transactionResult(cfg -> work.apply(cfg.dsl()));
      } catch (RuntimeException e) {
        if (!isRetryable(e) || attempt >= maxAttempts) throw e;
        long cap = baseBackoff.toMillis() << Math.min(attempt, 10);
        long sleep = ThreadLocalRandom.current().nextLong(cap + 1);
        log.debug(
            "transaction aborted with 40001 (attempt {}/{}), retrying in {} ms",
            attempt,
            maxAttempts,
            sleep);
        try {
          Thread.sleep(sleep);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  private static boolean retryable(String sqlState) {
    return SERIALIZATION_FAILURE.equals(sqlState) || DEADLOCK_DETECTED.equals(sqlState);
  }

  /** The DSLContext outside any transaction, for single statements that need no retry loop. */
  public DSLContext dsl() {
    return dsl;
  }

  /** True when the failure (or any cause) carries SQLSTATE 40001 or 40P01 (deadlock). */
  public static boolean isRetryable(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException sql && retryable(sql.getSQLState())) return true;
      if (t instanceof DataAccessException dae && retryable(dae.sqlState())) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }
}
