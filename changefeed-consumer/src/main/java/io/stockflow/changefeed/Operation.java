package io.stockflow.changefeed;

/** What happened to the row, derived from which of before/after is present and what differs. */
public enum Operation {
  /** before is null. */
  INSERT,
  /** before and after present, and a column present in both changed. */
  UPDATE,
  /** after is null. */
  DELETE,
  /**
   * before and after present, and no column present in both changed: the feed re-emitted the row
   * without its data changing. CockroachDB does so for every row of a table after {@code ALTER
   * TABLE … ADD COLUMN … DEFAULT} or {@code DROP COLUMN} ({@code schema_change_policy=backfill}):
   * after has the new shape, before the old one, so they differ only in the added or dropped column
   * (for which {@link ChangeEvent#changed(String)} is true). Subprocessors see these only if they
   * opt in with {@link Subprocessor#receivesBackfill()}.
   */
  BACKFILL
}
