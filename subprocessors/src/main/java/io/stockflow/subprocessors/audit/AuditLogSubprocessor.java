package io.stockflow.subprocessors.audit;

import static io.stockflow.db.jooq.Tables.INVENTORY_CHANGES;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.db.Transactions;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import jakarta.inject.Singleton;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.jooq.JSONB;

/**
 * Writes every change of a watched table, before and after, into {@code inventory_changes}. Because
 * it reads the changefeed, writes made by hand in psql are audited exactly like the API's.
 *
 * <p>Idempotent: (row key, table, updated) identifies one emitted row version, so a re-delivered
 * message inserts nothing. Batched: one multi-row insert per chunk of up to {@value #MAX_BATCH}
 * changes (a statement of ~7,000 parameters, well under PostgreSQL's and CockroachDB's limits).
 * Replay requests are recorded as operation {@code replay}.
 */
@Singleton
public class AuditLogSubprocessor implements Subprocessor {
  public static final String NAME = "audit-log";
  static final int MAX_BATCH = 1_000;

  private final Transactions transactions;
  private final ChangefeedDeclaration feed = ChangefeedDeclaration.stockflow();

  public AuditLogSubprocessor(Transactions transactions) {
    this.transactions = transactions;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public boolean shouldProcess(ChangeEvent event) {
    return true;
  }

  @Override
  public void process(ChangeEvent event) {
    processBatch(List.of(event));
  }

  /** A multi-row insert per chunk, so the audit log keeps up at the database's write rate. */
  @Override
  public int maxBatchSize() {
    return MAX_BATCH;
  }

  @Override
  public void processBatch(List<ChangeEvent> events) {
    var insert =
        transactions
            .dsl()
            .insertInto(
                INVENTORY_CHANGES,
                INVENTORY_CHANGES.TABLE_NAME,
                INVENTORY_CHANGES.ROW_KEY,
                INVENTORY_CHANGES.UPDATED_HLC,
                INVENTORY_CHANGES.OPERATION,
                INVENTORY_CHANGES.BEFORE_ROW,
                INVENTORY_CHANGES.AFTER_ROW,
                INVENTORY_CHANGES.COMMITTED_AT);
    for (ChangeEvent event : events) {
      String table = feed.byTopic(event.topic()).map(WatchedTable::table).orElse(event.topic());
      String operation =
          event.replay() ? "replay" : event.operation().name().toLowerCase(Locale.ROOT);
      insert =
          insert.values(
              table,
              event.keyString(),
              event.updated().toString(),
              operation,
              event.before() == null ? null : JSONB.valueOf(event.before().toString()),
              event.after() == null ? null : JSONB.valueOf(event.after().toString()),
              event.updated().toInstant().atOffset(ZoneOffset.UTC));
    }
    insert.onConflictDoNothing().execute();
  }
}
