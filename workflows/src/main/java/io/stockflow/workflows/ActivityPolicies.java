package io.stockflow.workflows;

import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import java.time.Duration;

/**
 * Timeouts and retry policies shared by the workflows' activity stubs. Every activity is
 * idempotent, so retrying forever (with a capped backoff) is safe: an outage of the database or a
 * webhook delays an effect instead of dropping it, and ops see the retrying activity in the Web UI.
 */
public final class ActivityPolicies {
  private ActivityPolicies() {}

  /** Short database transactions: 30 s per attempt, backoff 1 s doubling to 1 min. */
  public static final ActivityOptions DATABASE =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(1))
                  .setBackoffCoefficient(2.0)
                  .setMaximumInterval(Duration.ofMinutes(1))
                  .build())
          .build();

  /**
   * Outbound HTTP webhooks: 30 s per attempt, backoff 2 s doubling to 5 min; a 4xx other than
   * 408/429 fails without retry (see {@link WebhookSender}).
   */
  public static final ActivityOptions WEBHOOK =
      ActivityOptions.newBuilder()
          .setStartToCloseTimeout(Duration.ofSeconds(30))
          .setRetryOptions(
              RetryOptions.newBuilder()
                  .setInitialInterval(Duration.ofSeconds(2))
                  .setBackoffCoefficient(2.0)
                  .setMaximumInterval(Duration.ofMinutes(5))
                  .setDoNotRetry(WebhookSender.REJECTED)
                  .build())
          .build();
}
