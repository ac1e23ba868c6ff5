package io.stockflow.changefeed.consumer;

import java.time.Duration;
import java.util.Objects;

/**
 * How often and how patiently one subprocessor retries one message before dead-lettering it.
 * Backoff doubles from {@code initialBackoff} up to {@code maxBackoff}. Kept short by default
 * because retrying holds up the subprocessor's share of the batch; durable retries belong in the
 * workflow that the subprocessor starts.
 *
 * @param maxAttempts total attempts including the first, at least 1
 * @param initialBackoff wait after the first failure, not negative
 * @param maxBackoff upper bound of one wait, at least {@code initialBackoff}
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, Duration maxBackoff) {
  /** 3 attempts, 100 ms then 200 ms: at most ~0.3 s per failing message. */
  public static final RetryPolicy DEFAULT =
      new RetryPolicy(3, Duration.ofMillis(100), Duration.ofSeconds(1));

  public RetryPolicy {
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (maxAttempts < 1) throw new IllegalArgumentException("maxAttempts must be >= 1");
    if (initialBackoff.isNegative())
      throw new IllegalArgumentException("initialBackoff must not be negative");
    if (maxBackoff.compareTo(initialBackoff) < 0)
      throw new IllegalArgumentException("maxBackoff must be >= initialBackoff");
  }

  /** The wait after failed attempt number {@code attempt} (1-based). */
  public Duration backoffAfter(int attempt) {
    long ms = initialBackoff.toMillis();
    for (int i = 1; i < attempt && ms < maxBackoff.toMillis(); i++) ms *= 2;
    return Duration.ofMillis(Math.min(ms, maxBackoff.toMillis()));
  }
}
