package io.stockflow.subprocessors.audit;

import static io.stockflow.db.jooq.Tables.INVENTORY_CHANGES;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.db.Transactions;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.WatchedTable;
import jakarta.inject.Singleton;
import java.time.ZoneOffset;
import org.jooq.JSONB;

/**
 * Writes every change of a watched table, before and after, into {@code inventory_changes}. Because
 * it reads the changefeed, writes made by hand in psql are audited exactly like the API's.
 *
 * <p>Idempotent: (row key, table, updated) identifies one emitted row version, so a re-delivered
 * message inserts nothing. Replay requests are recorded as operation {@code replay}.
 */
@Singleton
public class AuditLogSubprocessor implements Subprocessor {
  public static final String NAME = "audit-log";

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
    String table = feed.byTopic(event.topic()).map(WatchedTable::table).orElse(event.topic());
    String operation =
        event.replay() ? "replay" : event.operation().name().toLowerCase(java.util.Locale.ROOT);
    transactions
        .dsl()
        .insertInto(INVENTORY_CHANGES)
        .set(INVENTORY_CHANGES.TABLE_NAME, table)
        .set(INVENTORY_CHANGES.ROW_KEY, event.keyString())
        .set(INVENTORY_CHANGES.UPDATED_HLC, event.updated().toString())
        .set(INVENTORY_CHANGES.OPERATION, operation)
        .set(
            INVENTORY_CHANGES.BEFORE_ROW,
            event.before() == null ? null : JSONB.valueOf(event.before().toString()))
        .set(
            INVENTORY_CHANGES.AFTER_ROW,
            event.after() == null ? null : JSONB.valueOf(event.after().toString()))
        .set(INVENTORY_CHANGES.COMMITTED_AT, event.updated().toInstant().atOffset(ZoneOffset.UTC))
        .onConflictDoNothing()
        .execute();
  }
}
