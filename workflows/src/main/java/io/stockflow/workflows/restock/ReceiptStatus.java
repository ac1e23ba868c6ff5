package io.stockflow.workflows.restock;

/** Where a purchase order stands, as {@link RestockActivities#checkReceipt} sees it. */
public enum ReceiptStatus {
  /** Still expected. */
  OPEN,
  /** Arrived; the order is now {@code status = 'received'}. */
  RECEIVED,
  /** Cancelled by someone; the episode ends without a receipt. */
  CANCELLED
}
