package io.stockflow.workflows.alerts;

import io.stockflow.stock.DbCode;

/** The alert kinds of {@code alerts.kind}; the code is also used in workflow IDs. */
public enum AlertKind implements DbCode {
  LOW_STOCK,
  OUT_OF_STOCK,
  COUNT_VARIANCE,
  INVARIANT_BREACH,
  RESTOCK_LATE,
  /**
   * An order not shipped by its ship-by deadline; one episode per order (see {@link #perEpisode}).
   */
  ORDER_LATE;

  /**
   * A condition of the stock row (low, out of stock) rather than an event: its episode lasts until
   * the condition clears, so after an acknowledgement the workflow stays open, quietly, and a new
   * episode can only start once stock recovered.
   */
  public boolean isCondition() {
    return this == LOW_STOCK || this == OUT_OF_STOCK;
  }

  /**
   * An event whose episodes can overlap on one (sku, location): several orders of one location can
   * be late at once. Each episode then gets its own workflow, {@code
   * alert/<kind>/<sku>/<location>/<episode>}, instead of one per row.
   */
  public boolean perEpisode() {
    return this == ORDER_LATE;
  }

  /**
   * The kind whose {@link #code} is {@code code}.
   *
   * @throws IllegalArgumentException for an unknown code
   */
  public static AlertKind fromCode(String code) {
    return DbCode.fromCode(AlertKind.class, code)
        .orElseThrow(() -> new IllegalArgumentException("unknown alert kind: " + code));
  }
}
