package io.stockflow.workflows.restock;

/**
 * How a restock run ended.
 *
 * @param episodeKey the purchase order's episode key; null when no order was needed
 * @param quantity the ordered quantity; 0 when no order was needed
 */
public record RestockResult(Outcome outcome, String episodeKey, long quantity, boolean late) {

  /** The end of a run. */
  public enum Outcome {
    /** The row no longer needed stock when the run looked (e.g. a replayed, stale change). */
    NOT_NEEDED,
    RECEIVED,
    CANCELLED
  }
}
