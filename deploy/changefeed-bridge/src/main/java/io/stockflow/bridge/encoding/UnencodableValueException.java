package io.stockflow.bridge.encoding;

/**
 * A column (its type, or one of its values) that the bridge cannot encode exactly as CockroachDB's
 * changefeed would. The bridge stops the table's feed rather than emit a wrong message; the message
 * names the table and the column.
 */
public final class UnencodableValueException extends RuntimeException {
  private final String table;
  private final String column;

  public UnencodableValueException(String table, String column, String reason) {
    super(
        "changefeed bridge cannot encode column "
            + table
            + "."
            + column
            + ": "
            + reason
            + "; the feed of table "
            + table
            + " is stopped");
    this.table = table;
    this.column = column;
  }

  public String table() {
    return table;
  }

  public String column() {
    return column;
  }
}
