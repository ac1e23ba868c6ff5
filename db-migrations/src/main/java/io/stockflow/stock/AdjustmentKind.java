package io.stockflow.stock;

/** Why an operator moved stock ({@code inventory_adjustments.kind}). */
public enum AdjustmentKind implements DbCode {
  RECEIPT,
  CYCLE_COUNT,
  DAMAGE,
  TRANSFER_OUT,
  TRANSFER_IN
}
