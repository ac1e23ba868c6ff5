package io.stockflow.stock;

import java.util.List;

/** A restock purchase order's lifecycle ({@code purchase_orders.status}). */
public enum PurchaseOrderStatus implements DbCode {
  OPEN,
  RECEIVED,
  /** Still open, past its due date (the restock workflow escalated it). */
  LATE,
  CANCELLED;

  /** Open or late: its units are on their way (in {@code in_transit_in}), still receivable. */
  public static final List<String> OUTSTANDING = DbCode.codes(OPEN, LATE);
}
