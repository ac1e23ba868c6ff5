package io.stockflow.workflows.reservations;

/** How a reservation's expiry timer ended. */
public enum ExpiryOutcome {
  /** It was still active at expires_at; now expired and its quantity returned to available. */
  EXPIRED,
  /** It was confirmed, released or otherwise no longer active; nothing done. */
  ENDED
}
