package io.stockflow.api.ops;

import java.util.UUID;

/**
 * Acknowledges an alert so its workflow stops escalating. The platform implements it (typically: a
 * signal to the alert workflow, which marks the {@code alerts} row acknowledged); the API only
 * calls it. Must be idempotent and thread-safe. Without a bean the endpoint answers 503.
 */
public interface AlertAcknowledger {

  /** What acknowledging did. */
  enum Outcome {
    ACKNOWLEDGED,
    ALREADY_ACKNOWLEDGED,
    /** The alert was resolved already; nothing to acknowledge. */
    ALREADY_RESOLVED,
    NOT_FOUND
  }

  /**
   * @param alertId the alert's id ({@code alerts.id})
   * @param acknowledgedBy who acknowledged it (the caller's principal, plus an optional note)
   */
  Outcome acknowledge(UUID alertId, String acknowledgedBy);
}
