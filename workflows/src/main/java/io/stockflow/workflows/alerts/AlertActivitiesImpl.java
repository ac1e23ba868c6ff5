package io.stockflow.workflows.alerts;

import static io.stockflow.db.jooq.Tables.ALERTS;
import static io.stockflow.db.jooq.Tables.INVENTORY_LEVELS;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.db.Json;
import io.stockflow.db.Transactions;
import io.stockflow.db.jooq.tables.records.AlertsRecord;
import io.stockflow.db.jooq.tables.records.InventoryLevelsRecord;
import io.stockflow.stock.AlertSeverity;
import io.stockflow.stock.AlertStatus;
import io.stockflow.stock.AvailabilityStatus;
import io.stockflow.stock.StockLevel;
import io.stockflow.workflows.WebhookSender;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import org.jooq.Condition;
import org.jooq.DSLContext;
import org.jooq.JSONB;
import org.jooq.impl.DSL;

/**
 * Alert effects: the {@code alerts} table and the alert webhook. Thread-safe.
 *
 * <p>Conditions are the row's {@link StockLevel#band}, as the alert client applied it to the change
 * that raised the alert: out of stock = sellable and nothing available; low stock = sellable and 0
 * < available ≤ reorder_point (safety_stock where no reorder point is set).
 *
 * <p>The webhook body is {@code {"alertId","episodeKey","kind","severity","sku","locationId",
 * "message","details","notification","escalated"}}, sent with {@code Idempotency-Key: <episode
 * key>/<notification number>}.
 */
public final class AlertActivitiesImpl implements AlertActivities {
  private static final ObjectMapper JSON = Json.mapper();

  private final Transactions transactions;
  private final WebhookSender webhooks;
  private final String webhookUrl;

  /**
   * @param webhookUrl where notifications are POSTed; null to record them in the table only
   */
  public AlertActivitiesImpl(Transactions transactions, WebhookSender webhooks, String webhookUrl) {
    this.transactions = transactions;
    this.webhooks = webhooks;
    this.webhookUrl = webhookUrl;
  }

  @Override
  public AlertRecord open(AlertInput input) {
    String prefix = AlertClient.workflowId(input.kind(), input.sku(), input.locationId());
    String rowKey = prefix.substring(AlertClient.KIND.length() + 1) + "/";
    return transactions.run(
        tx -> {
          if (input.episode() != null) {
            String key = rowKey + input.episode();
            insert(tx, input, key).onConflictDoNothing().execute();
            AlertsRecord r = tx.selectFrom(ALERTS).where(ALERTS.EPISODE_KEY.eq(key)).fetchOne();
            return AlertStatus.OPEN.is(r.getStatus()) ? toRecord(r) : null;
          }
          Condition sameRow = sameRow(input);
          AlertsRecord current =
              tx.selectFrom(ALERTS)
                  .where(sameRow)
                  .and(ALERTS.STATUS.in(AlertStatus.UNRESOLVED))
                  .orderBy(ALERTS.CREATED_AT)
                  .limit(1)
                  .fetchOne();
          if (current != null) return toRecord(current);
          if (!holds(tx, input)) return null;
          // Episode n+1 of this row; a concurrent insert of the same n collides on the UNIQUE key
          // and the retried activity then adopts the winner's row.
          long n = tx.fetchCount(ALERTS, sameRow) + 1;
          return toRecord(insert(tx, input, rowKey + n).returning().fetchOne());
        });
  }

  @Override
  public boolean notify(AlertRecord alert, AlertInput input, long number, boolean escalated) {
    UUID id = UUID.fromString(alert.id());
    boolean stillOpen =
        transactions.run(
            tx -> {
              String status =
                  tx.select(ALERTS.STATUS).from(ALERTS).where(ALERTS.ID.eq(id)).fetchOne().value1();
              if (!AlertStatus.OPEN.is(status)) return false;
              if (input.kind().isCondition() && !holds(tx, input)) {
                markResolved(tx, id);
                return false;
              }
              return true;
            });
    if (!stillOpen) return false;
    String severity = escalated ? AlertSeverity.CRITICAL.code() : input.severity();
    if (webhookUrl != null) {
      Map<String, Object> body = new LinkedHashMap<>();
      body.put("alertId", alert.id());
      body.put("episodeKey", alert.episodeKey());
      body.put("kind", input.kind().code());
      body.put("severity", severity);
      body.put("sku", input.sku());
      body.put("locationId", input.locationId());
      body.put("message", input.message());
      body.put("details", input.details());
      body.put("notification", number);
      body.put("escalated", escalated);
      webhooks.post(webhookUrl, alert.episodeKey() + "/" + number, body);
    }
    transactions.run(
        tx ->
            tx.update(ALERTS)
                .set(ALERTS.NOTIFY_COUNT, DSL.greatest(ALERTS.NOTIFY_COUNT, DSL.val(number)))
                .set(ALERTS.SEVERITY, severity)
                .where(ALERTS.ID.eq(id))
                .execute());
    return true;
  }

  @Override
  public boolean conditionHolds(AlertInput input) {
    return transactions.run(tx -> holds(tx, input));
  }

  @Override
  public void acknowledge(AlertRecord alert, String by) {
    transactions.run(
        tx ->
            tx.update(ALERTS)
                .set(ALERTS.STATUS, AlertStatus.ACKNOWLEDGED.code())
                .set(ALERTS.ACKNOWLEDGED_BY, by)
                .set(ALERTS.ACKNOWLEDGED_AT, DSL.currentOffsetDateTime())
                .where(ALERTS.ID.eq(UUID.fromString(alert.id())))
                .and(ALERTS.STATUS.eq(AlertStatus.OPEN.code()))
                .execute());
  }

  @Override
  public void resolve(AlertRecord alert) {
    transactions.run(tx -> markResolved(tx, UUID.fromString(alert.id())));
  }

  private static int markResolved(DSLContext tx, UUID id) {
    return tx.update(ALERTS)
        .set(ALERTS.STATUS, AlertStatus.RESOLVED.code())
        .where(ALERTS.ID.eq(id))
        .and(ALERTS.STATUS.in(AlertStatus.UNRESOLVED))
        .execute();
  }

  /** Event alerts always hold; condition alerts are re-evaluated on the current row. */
  private static boolean holds(DSLContext tx, AlertInput input) {
    if (!input.kind().isCondition()) return true;
    InventoryLevelsRecord level =
        tx.selectFrom(INVENTORY_LEVELS)
            .where(INVENTORY_LEVELS.SKU.eq(input.sku()))
            .and(INVENTORY_LEVELS.LOCATION_ID.eq(input.locationId()))
            .fetchOne();
    if (level == null) return false;
    return StockLevel.of(level).band()
        == (input.kind() == AlertKind.OUT_OF_STOCK
            ? AvailabilityStatus.OUT_OF_STOCK
            : AvailabilityStatus.LOW_STOCK);
  }

  private static Condition sameRow(AlertInput input) {
    return ALERTS
        .KIND
        .eq(input.kind().code())
        .and(input.sku() == null ? ALERTS.SKU.isNull() : ALERTS.SKU.eq(input.sku()))
        .and(
            input.locationId() == null
                ? ALERTS.LOCATION_ID.isNull()
                : ALERTS.LOCATION_ID.eq(input.locationId()));
  }

  private static org.jooq.InsertSetMoreStep<AlertsRecord> insert(
      DSLContext tx, AlertInput input, String episodeKey) {
    return tx.insertInto(ALERTS)
        .set(ALERTS.ID, UUID.randomUUID())
        .set(ALERTS.EPISODE_KEY, episodeKey)
        .set(ALERTS.KIND, input.kind().code())
        .set(ALERTS.SEVERITY, input.severity())
        .set(ALERTS.SKU, input.sku())
        .set(ALERTS.LOCATION_ID, input.locationId())
        .set(ALERTS.MESSAGE, input.message())
        .set(ALERTS.DETAILS, JSONB.valueOf(json(input.details())));
  }

  private static AlertRecord toRecord(AlertsRecord r) {
    return new AlertRecord(
        r.getId().toString(), r.getEpisodeKey(), r.getNotifyCount(), r.getAcknowledgedBy());
  }

  private static String json(Map<String, Object> details) {
    try {
      return JSON.writeValueAsString(Objects.requireNonNullElse(details, Map.of()));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("alert details are not JSON-encodable", e);
    }
  }
}
