package io.stockflow.workflows.alerts;

import io.temporal.activity.ActivityInterface;

/** Effects of an alert episode. Every method is idempotent. */
@ActivityInterface
public interface AlertActivities {

  /**
   * Returns the alert row of this episode, inserting it if needed. With an {@code episode}: key
   * {@code <kind>/<sku>/<location>/<episode>}, inserted once ({@code alerts.episode_key} is UNIQUE)
   * and returned only while still open. Without: the open alert of (kind, sku, location) is
   * adopted, or, if the condition still holds in {@code inventory_levels} now, a new one is
   * inserted as episode {@code n+1} of that row.
   *
   * @return null when there is nothing (more) to alert: the episode was already handled, or the
   *     condition no longer holds (a replayed, stale change)
   */
  AlertRecord open(AlertInput input);

  /**
   * Delivers notification number {@code number} while the alert is open (and, for a condition,
   * still holds; otherwise resolves it): POSTs the webhook if configured ({@code Idempotency-Key:
   * <episode key>/<number>}), then raises {@code notify_count} to {@code number} and, when {@code
   * escalated}, severity to critical.
   *
   * @return false when the alert was closed outside the workflow or its condition cleared
   */
  boolean notify(AlertRecord alert, AlertInput input, long number, boolean escalated);

  /** Whether a condition alert's condition still holds in {@code inventory_levels}. */
  boolean conditionHolds(AlertInput input);

  /** Marks the alert acknowledged by {@code by}, if it is still open. */
  void acknowledge(AlertRecord alert, String by);

  /** Marks the alert resolved, if it is open or acknowledged. */
  void resolve(AlertRecord alert);
}
