package io.stockflow.db;

import static org.jooq.impl.DSL.noCondition;
import static org.jooq.impl.DSL.row;

import java.util.List;
import org.jooq.Condition;
import org.jooq.Field;
import org.jooq.Record;
import org.jooq.Result;
import org.jooq.Table;

/**
 * Deletes the rows of a table that match a condition, one primary-key range at a time, so no
 * statement holds many locks or runs long, and no index is needed on the column the condition reads
 * (a hot table such as the changefeed fence pays nothing on its writes for being swept).
 *
 * <p>Each page reads the next {@code pageSize} keys after the previous page (an index-only scan of
 * the primary key), then deletes the matching rows in that key range in its own transaction.
 * Concurrent inserts and other sweepers are harmless: a row is deleted at most once and a row that
 * does not match is never touched. Works the same on CockroachDB and PostgreSQL (row-value
 * comparisons).
 */
public final class PagedDelete {
  private PagedDelete() {}

  /**
   * @param key the table's primary-key columns, in key order
   * @return how many rows were deleted
   */
  public static long deleteWhere(
      Transactions tx, Table<?> table, List<Field<?>> key, Condition matches, int pageSize) {
    if (pageSize < 1) throw new IllegalArgumentException("pageSize must be >= 1");
    Object[] after = null;
    long deleted = 0;
    while (true) {
      Condition from = after == null ? noCondition() : row(key).gt(after);
      Result<Record> page =
          tx.run(
              dsl -> dsl.select(key).from(table).where(from).orderBy(key).limit(pageSize).fetch());
      if (page.isEmpty()) return deleted;
      boolean last = page.size() < pageSize;
      Object[] upTo = page.get(page.size() - 1).intoArray();
      // The last page reaches to the end of the table: keys inserted since its read are swept too.
      Condition range = last ? from : from.and(row(key).le(upTo));
      deleted += tx.run(dsl -> dsl.deleteFrom(table).where(range).and(matches).execute());
      if (last) return deleted;
      after = upTo;
    }
  }
}
