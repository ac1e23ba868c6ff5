package io.stockflow.changefeed.dispatch;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.config.RetryPolicy;
import io.stockflow.changefeed.deadletter.Failure;
import io.stockflow.changefeed.metrics.ChangefeedMetrics;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link Subprocessor#process} with the retry policy: exponential backoff between attempts,
 * each retry counted. Blocks the calling thread while backing off, which is one of the
 * subprocessor's own threads running the change's ordering group (see {@link Dispatcher}), so
 * neither other subprocessors nor the subprocessor's other keys are held up. Thread-safe.
 */
public final class SubprocessorInvoker {
  private static final Logger log = LoggerFactory.getLogger(SubprocessorInvoker.class);

  private final RetryPolicy retry;
  private final ChangefeedMetrics metrics;

  public SubprocessorInvoker(RetryPolicy retry, ChangefeedMetrics metrics) {
    this.retry = Objects.requireNonNull(retry, "retry");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
  }

  /**
   * Runs {@code s.process(event)} until it succeeds or the attempts are used up.
   *
   * @return null on success, else the failure to dead-letter
   */
  public Failure invoke(Subprocessor s, ChangeEvent event) {
    Instant first = null;
    for (int attempt = 1; ; attempt++) {
      try {
        s.process(event);
        return null;
      } catch (Exception e) {
        Instant now = Instant.now();
        if (first == null) first = now;
        if (attempt >= retry.maxAttempts()) return Failure.of(e, attempt, first, now);
        Duration wait = retry.backoffAfter(attempt);
        log.info(
            "subprocessor '{}' failed (attempt {}/{}), retrying in {} ms: {}",
            s.name(),
            attempt,
            retry.maxAttempts(),
            wait.toMillis(),
            e.toString());
        metrics.retried(event.topic(), s.name());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return Failure.of(e, attempt, first, now);
        }
      }
    }
  }
}
