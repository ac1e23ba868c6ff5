package io.stockflow.platform;

import static io.stockflow.db.jooq.Tables.ALERTS;

import io.stockflow.api.ops.AlertAcknowledger;
import io.stockflow.db.Transactions;
import io.stockflow.db.jooq.tables.records.AlertsRecord;
import io.stockflow.stock.AlertStatus;
import io.stockflow.workflows.alerts.AlertClient;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Acknowledges an alert through its workflow (which records it and stops re-notifying). When the
 * workflow is gone (e.g. terminated by an operator) the row is acknowledged directly, so the API's
 * answer always holds.
 */
@Singleton
public class AlertAcknowledgerAdapter implements AlertAcknowledger {
  private final Transactions tx;
  private final AlertClient alerts;

  public AlertAcknowledgerAdapter(Transactions tx, AlertClient alerts) {
    this.tx = tx;
    this.alerts = alerts;
  }

  @Override
  public Outcome acknowledge(UUID alertId, String acknowledgedBy) {
    AlertsRecord row = tx.dsl().selectFrom(ALERTS).where(ALERTS.ID.eq(alertId)).fetchOne();
    if (row == null) return Outcome.NOT_FOUND;
    if (AlertStatus.ACKNOWLEDGED.is(row.getStatus())) return Outcome.ALREADY_ACKNOWLEDGED;
    if (AlertStatus.RESOLVED.is(row.getStatus())) return Outcome.ALREADY_RESOLVED;
    // By episode key: per-episode kinds (order_late) have one workflow per episode, not per row.
    if (!alerts.acknowledgeEpisode(row.getEpisodeKey(), acknowledgedBy)) {
      tx.dsl()
          .update(ALERTS)
          .set(ALERTS.STATUS, AlertStatus.ACKNOWLEDGED.code())
          .set(ALERTS.ACKNOWLEDGED_BY, acknowledgedBy)
          .set(ALERTS.ACKNOWLEDGED_AT, OffsetDateTime.now())
          .where(ALERTS.ID.eq(alertId).and(ALERTS.STATUS.eq(AlertStatus.OPEN.code())))
          .execute();
    }
    return Outcome.ACKNOWLEDGED;
  }
}
