package io.stockflow.changefeed;

/** What happened to the row, derived from which of before/after is present. */
public enum Operation {
  /** before is null. */
  INSERT,
  /** before and after present. */
  UPDATE,
  /** after is null. */
  DELETE
}
