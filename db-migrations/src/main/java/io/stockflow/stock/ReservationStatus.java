package io.stockflow.stock;

/** A checkout hold's lifecycle ({@code reservations.status}). */
public enum ReservationStatus implements DbCode {
  /** Held for a checkout in progress: counted in {@code inventory_levels.reserved}. */
  ACTIVE,
  /** The checkout completed: its units moved from reserved to allocated. */
  CONFIRMED,
  /** Given back by the checkout. */
  RELEASED,
  /** Given back by the system: past its TTL, or confirmed but never ordered. */
  EXPIRED
}
