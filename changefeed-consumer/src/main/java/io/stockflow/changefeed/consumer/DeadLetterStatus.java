package io.stockflow.changefeed.consumer;

import java.util.Locale;

/** Lifecycle of a dead letter; stored lower-case in {@code dead_letters.status}. */
public enum DeadLetterStatus {
  /**
   * Waiting for a re-drive (or, with error class {@code paused}, for its subprocessor's resume).
   */
  PENDING,
  /** Re-driven successfully. */
  REDRIVEN,
  /** Dismissed by an operator without re-driving. */
  RESOLVED;

  public String dbValue() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static DeadLetterStatus fromDb(String value) {
    return valueOf(value.toUpperCase(Locale.ROOT));
  }
}
