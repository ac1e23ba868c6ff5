package io.stockflow.workflows.alerts;

import java.util.Locale;

/** The alert kinds of {@code alerts.kind}. */
public enum AlertKind {
  LOW_STOCK,
  OUT_OF_STOCK,
  COUNT_VARIANCE,
  INVARIANT_BREACH,
  RESTOCK_LATE;

  /**
   * A condition of the stock row (low, out of stock) rather than an event: its episode lasts until
   * the condition clears, so after an acknowledgement the workflow stays open, quietly, and a new
   * episode can only start once stock recovered.
   */
  public boolean isCondition() {
    return this == LOW_STOCK || this == OUT_OF_STOCK;
  }

  /** The value stored in {@code alerts.kind} and used in workflow IDs, e.g. {@code low_stock}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
