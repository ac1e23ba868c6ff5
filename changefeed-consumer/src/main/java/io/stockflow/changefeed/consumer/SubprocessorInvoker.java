package io.stockflow.changefeed.consumer;

import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Calls {@link Subprocessor#process} with the retry policy: exponential backoff between attempts,
 * each retry counted. Blocks the calling thread while backing off, which is one of the
 * subprocessor's own threads running the change's ordering group (see {@link Dispatcher}), so
 * neither other subprocessors nor the subprocessor's other keys are held up. Thread-safe.
 */
final class SubprocessorInvoker {
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
    return attempt(s, event.topic(), () -> s.process(event), false);
  }

  /**
   * Like {@link #invoke}, but a final failure that {@link Subprocessor#isOutage} recognises throws
   * {@link OutageException} instead of being returned: the lane keeps the change for later.
   */
  public Failure invokeLive(Subprocessor s, ChangeEvent event) {
    return attempt(s, event.topic(), () -> s.process(event), true);
  }

  /**
   * Runs {@code s.processBatch(events)} with the retry policy; an outage throws {@link
   * OutageException}.
   *
   * @return null on success, else the last failure (the caller falls back to one change at a time)
   */
  public Failure invokeBatch(Subprocessor s, String topic, List<ChangeEvent> events) {
    return attempt(s, topic, () -> s.processBatch(events), true);
  }

  private interface Call {
    void run() throws Exception;
  }

  private Failure attempt(Subprocessor s, String topic, Call call, boolean outageThrows) {
    Instant first = null;
    for (int attempt = 1; ; attempt++) {
      try {
        call.run();
        return null;
      } catch (Exception e) {
        Instant now = Instant.now();
        if (first == null) first = now;
        // An event of the call's span (ChangeTracing), so a trace shows the attempts that failed;
        // without a span (tracing off, a re-drive) the current span is the invalid one: a no-op.
        Span.current().recordException(e, Attributes.of(ChangeTracing.ATTEMPTS, (long) attempt));
        if (attempt >= retry.maxAttempts()) {
          if (outageThrows && s.isOutage(e)) throw new OutageException(s.name(), e);
          return Failure.of(e, attempt, first, now);
        }
        Duration wait = retry.backoffAfter(attempt);
        log.info(
            "subprocessor '{}' failed (attempt {}/{}), retrying in {} ms: {}",
            s.name(),
            attempt,
            retry.maxAttempts(),
            wait.toMillis(),
            e.toString());
        metrics.retried(topic, s.name());
        try {
          Thread.sleep(wait.toMillis());
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          if (outageThrows) throw new IllegalStateException("interrupted while retrying", ie);
          return Failure.of(e, attempt, first, now);
        }
      }
    }
  }
}
