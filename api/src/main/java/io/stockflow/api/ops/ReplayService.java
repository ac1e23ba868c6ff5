package io.stockflow.api.ops;

import io.stockflow.api.problem.ApiProblem;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import io.stockflow.db.jooq.DefaultSchema;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.Field;
import org.jooq.Table;
import org.jooq.exception.DataTypeException;
import org.jooq.impl.DSL;

/**
 * Replay, DashMart's way: {@code UPDATE <table> SET last_updated = now() WHERE ...} changes only
 * last_updated, which every subscribed subprocessor treats as "handle this row again". The table
 * must be one the changefeed watches ({@link ChangefeedDeclaration#stockflow()}); columns are
 * resolved against the jOOQ model of the real table and values bound as parameters of the column's
 * type, so no request text ever becomes SQL.
 *
 * <p>A table that is not watched is a 400 (the OpenAPI document lists the tables); a body that
 * names an unknown column, has the wrong number of key values, a value the column cannot hold, or
 * says neither or both of key/filter and {@code all} is a 422: well-formed JSON the server cannot
 * act on, which no JSON schema of the body could rule out.
 */
@Singleton
public class ReplayService {
  private final ChangefeedDeclaration feed = ChangefeedDeclaration.stockflow();

  /** The result: how many rows were touched, hence re-emitted. */
  public record Result(String table, int rowsTouched) {}

  public Result replay(DSLContext tx, ReplayRequest request) {
    WatchedTable watched =
        feed.table(request.table())
            .orElseThrow(
                () ->
                    ApiProblem.badRequest(
                        "table",
                        "'"
                            + request.table()
                            + "' is not a watched table; one of "
                            + feed.tables().stream().map(WatchedTable::table).toList()));
    Table<?> table = DefaultSchema.DEFAULT_SCHEMA.getTable(watched.table());
    if (table == null) {
      throw new IllegalStateException("watched table " + watched.table() + " has no jOOQ model");
    }
    List<Condition> conditions = new ArrayList<>();
    if (request.key() != null) {
      if (request.key().size() != watched.primaryKey().size()) {
        throw ApiProblem.invalidField(
            "key",
            "needs " + watched.primaryKey().size() + " value(s), in order " + watched.primaryKey());
      }
      for (int i = 0; i < request.key().size(); i++) {
        conditions.add(
            equality(table, watched.primaryKey().get(i), request.key().get(i), "key[" + i + "]"));
      }
    }
    if (request.filter() != null) {
      for (Map.Entry<String, Object> e : request.filter().entrySet()) {
        conditions.add(equality(table, e.getKey(), e.getValue(), "filter." + e.getKey()));
      }
    }
    boolean all = Boolean.TRUE.equals(request.all());
    if (conditions.isEmpty() && !all) {
      throw ApiProblem.invalidField(
          "filter", "give a key or at least one filter column, or all=true to replay every row");
    }
    if (!conditions.isEmpty() && all) {
      throw ApiProblem.invalidField("all", "all=true cannot be combined with key or filter");
    }
    Field<OffsetDateTime> lastUpdated = table.field("last_updated", OffsetDateTime.class);
    int touched =
        tx.update(table)
            .set(lastUpdated, DSL.currentOffsetDateTime())
            .where(conditions.isEmpty() ? DSL.noCondition() : DSL.and(conditions))
            .execute();
    return new Result(watched.table(), touched);
  }

  @SuppressWarnings("unchecked")
  private static Condition equality(Table<?> table, String column, Object value, String field) {
    Field<Object> f = (Field<Object>) table.field(column);
    if (f == null || column.isEmpty()) {
      throw ApiProblem.invalidField(
          field,
          "no column '" + column + "' in " + table.getName() + "; columns: " + columns(table));
    }
    if (value == null) return f.isNull();
    if (value instanceof Map<?, ?> || value instanceof List<?>) {
      throw ApiProblem.invalidField(field, "must be a single value (string, number or boolean)");
    }
    Object converted;
    try {
      converted = f.getDataType().convert(value);
    } catch (DataTypeException | IllegalArgumentException e) {
      converted = null;
    }
    // jOOQ answers some failed conversions (e.g. "abc" to a number) with null instead of throwing.
    if (converted == null) {
      throw ApiProblem.invalidField(
          field, "'" + value + "' is not a valid " + f.getDataType().getTypeName());
    }
    return f.eq(converted);
  }

  private static List<String> columns(Table<?> table) {
    return java.util.Arrays.stream(table.fields()).map(Field::getName).toList();
  }
}
