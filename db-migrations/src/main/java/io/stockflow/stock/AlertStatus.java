package io.stockflow.stock;

import java.util.List;

/** An alert episode's lifecycle ({@code alerts.status}). */
public enum AlertStatus implements DbCode {
  /** Notified, re-notified until acknowledged. */
  OPEN,
  /** Someone took it; no more notifications, the episode lasts until resolved. */
  ACKNOWLEDGED,
  RESOLVED;

  /** Open or acknowledged: the episode is not over. */
  public static final List<String> UNRESOLVED = DbCode.codes(OPEN, ACKNOWLEDGED);
}
