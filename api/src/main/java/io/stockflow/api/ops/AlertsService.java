package io.stockflow.api.ops;

import static io.stockflow.db.jooq.Tables.ALERTS;

import io.stockflow.db.jooq.tables.records.AlertsRecord;
import jakarta.inject.Singleton;
import java.time.OffsetDateTime;
import java.util.List;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;

/** Reads the {@code alerts} table for ops; acknowledging goes through {@link AlertAcknowledger}. */
@Singleton
public class AlertsService {

  /**
   * Alerts, newest first.
   *
   * @param status only this status ({@code open}, {@code acknowledged}, {@code resolved}), or all
   *     when null
   */
  public List<OpsModels.Alert> list(DSLContext db, String status, int limit) {
    return db.selectFrom(ALERTS)
        .where(status == null ? DSL.noCondition() : ALERTS.STATUS.eq(status))
        .orderBy(ALERTS.CREATED_AT.desc(), ALERTS.ID)
        .limit(limit)
        .fetch(AlertsService::view);
  }

  private static OpsModels.Alert view(AlertsRecord r) {
    return new OpsModels.Alert(
        r.getId().toString(),
        r.getKind(),
        r.getSeverity(),
        r.getSku(),
        r.getLocationId(),
        r.getMessage(),
        r.getStatus(),
        r.getNotifyCount(),
        r.getCreatedAt().toInstant(),
        r.getAcknowledgedBy(),
        instant(r.getAcknowledgedAt()));
  }

  private static java.time.Instant instant(OffsetDateTime t) {
    return t == null ? null : t.toInstant();
  }
}
