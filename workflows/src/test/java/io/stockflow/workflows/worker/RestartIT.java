package io.stockflow.workflows.worker;

import static io.stockflow.db.jooq.Tables.ALERTS;
import static io.stockflow.db.jooq.Tables.CHANNEL_AVAILABILITY;
import static io.stockflow.db.jooq.Tables.PURCHASE_ORDERS;
import static io.stockflow.db.jooq.Tables.RESERVATIONS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stockflow.db.Database;
import io.stockflow.embedded.Ports;
import io.stockflow.embedded.TemporalDevServer;
import io.stockflow.testsupport.PostgresExtension;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.stockflow.workflows.alerts.AlertClient;
import io.stockflow.workflows.alerts.AlertInput;
import io.stockflow.workflows.alerts.AlertKind;
import io.stockflow.workflows.alerts.AlertPolicy;
import io.stockflow.workflows.reservations.ReservationChange;
import io.stockflow.workflows.reservations.ReservationExpiryClient;
import io.stockflow.workflows.restock.RestockClient;
import io.stockflow.workflows.support.RealStack;
import io.stockflow.workflows.support.WebhookReceiver;
import io.stockflow.workflows.sync.ChannelSyncClient;
import io.stockflow.workflows.sync.ChannelSyncSettings;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every workflow kind in flight while the worker is restarted and then the Temporal dev server is
 * restarted on the same data: all complete, each effect exactly once. The dev server is this test's
 * own (it is restarted); the database is the class's.
 */
class RestartIT {
  static final String SKU = "JERKY-TERIYAKI-3OZ";
  static final String LOC = "SEA1";

  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  @TempDir Path dir;
  private final int temporalPort = Ports.free();
  private final int uiPort = Ports.free();

  @Test
  void workerAndTemporalRestartsMidFlightEndWithEveryWorkflowCompletedAndOneEffectEach() {
    TemporalDevServer temporal = startTemporal();
    try (WebhookReceiver hooks = new WebhookReceiver();
        RealStack stack =
            new RealStack(
                postgres.dataSource(),
                temporal.target(),
                RealStack.testSettings("stockflow-it", hooks.url("/alerts")))) {
      var sql = stack.sql;
      stack.seedRow(SKU, LOC, 12, 20, 2, 150);
      sql.execute(
          "INSERT INTO channels (id, name, webhook_url) VALUES ('web', 'Web shop', ?)",
          hooks.url("/channels/web"));
      RestockClient restock = new RestockClient(stack.client(), stack.taskQueue());
      AlertClient alerts = new AlertClient(stack.client(), stack.taskQueue());
      ReservationExpiryClient expiry =
          new ReservationExpiryClient(stack.client(), stack.taskQueue());
      ChannelSyncClient sync =
          new ChannelSyncClient(
              stack.client(),
              stack.taskQueue(),
              new ChannelSyncSettings(Duration.ofSeconds(2), Duration.ofSeconds(5), 8));

      // Restock: the row is low.
      restock.onStockChanged(stack.snapshot(SKU, LOC));
      // Reservation: a checkout holds 4 units for 10 minutes, so its expiry timer is pending across
      // both restarts however long they take; afterwards the hold is cut short (below).
      Instant expiresAt = Instant.now().plusSeconds(600);
      sql.execute(
          "INSERT INTO reservations (id, cart_id, sku, location_id, quantity, expires_at)"
              + " VALUES ('cart-1:1', 'cart-1', ?, ?, 4, ?::timestamptz)",
          SKU,
          LOC,
          expiresAt.toString());
      sql.execute(
          "UPDATE inventory_levels SET reserved = reserved + 4 WHERE sku = ? AND location_id = ?",
          SKU,
          LOC);
      expiry.onReservationChanged(new ReservationChange("cart-1:1", SKU, LOC, "active", expiresAt));
      // An alert that re-notifies every 3 s until someone acknowledges it.
      alerts.raise(
          new AlertInput(
              AlertKind.COUNT_VARIANCE,
              SKU,
              LOC,
              "warning",
              "Cycle count off by 14",
              Map.of("bookOnHand", 26, "countedOnHand", 12),
              "count-1",
              new AlertPolicy(Duration.ofSeconds(3), 2)));
      // Channel sync of the SKU.
      sync.onSkuChanged(SKU);

      await("purchase order and first alert")
          .atMost(Duration.ofSeconds(60))
          .until(() -> sql.fetchCount(PURCHASE_ORDERS) == 1 && !hooks.to("/alerts").isEmpty());

      // 1. The worker goes away; meanwhile the goods arrive (a SQL write) and are signalled.
      stack.stopWorker();
      sql.execute(
          "UPDATE inventory_levels SET on_hand = on_hand + 138, in_transit_in = in_transit_in - 138"
              + " WHERE sku = ? AND location_id = ?",
          SKU,
          LOC);
      restock.onStockChanged(stack.snapshot(SKU, LOC));
      sync.onSkuChanged(SKU);
      stack.startWorker();

      // 2. The Temporal server goes away and comes back on the same data.
      temporal.close();
      temporal = startTemporal();

      await("alert re-notified after the restarts")
          .atMost(Duration.ofSeconds(60))
          .until(() -> sql.fetchValue(ALERTS.NOTIFY_COUNT, ALERTS.KIND.eq("count_variance")) >= 3);
      assertThat(alerts.acknowledge(AlertKind.COUNT_VARIANCE, SKU, LOC, "ops")).isTrue();

      // The checkout's hold is shortened to now, as an associate editing expires_at would: the
      // expiry workflow, waiting on its timer since before the restarts, takes the new deadline.
      // (The alert's re-notification above is the timer that fires across them.)
      Instant now = Instant.now();
      sql.execute(
          "UPDATE reservations SET expires_at = ?::timestamptz WHERE id = 'cart-1:1'",
          now.toString());
      expiry.onReservationChanged(new ReservationChange("cart-1:1", SKU, LOC, "active", now));

      List<String> ids =
          List.of(
              RestockClient.workflowId(SKU, LOC),
              AlertClient.workflowId(AlertKind.COUNT_VARIANCE, SKU, LOC),
              ReservationExpiryClient.workflowId("cart-1:1"),
              sync.workflowIdOf(SKU));
      await("every workflow completed")
          .atMost(Duration.ofSeconds(120))
          .until(
              () ->
                  ids.stream()
                      .allMatch(
                          id ->
                              stack.status(id)
                                  == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED));

      // Exactly one effect each.
      assertThat(sql.fetchCount(PURCHASE_ORDERS)).isEqualTo(1);
      assertThat(sql.selectFrom(PURCHASE_ORDERS).fetchOne().getStatus()).isEqualTo("received");
      assertThat(sql.selectFrom(RESERVATIONS).fetchOne().getStatus()).isEqualTo("expired");
      var row = stack.snapshot(SKU, LOC);
      assertThat(row.reserved()).as("the 4 units returned exactly once").isZero();
      assertThat(row.onHand()).isEqualTo(150);
      assertThat(row.inTransitIn()).isZero();
      var alert = sql.selectFrom(ALERTS).fetchOne();
      assertThat(sql.fetchCount(ALERTS)).isEqualTo(1);
      assertThat(alert.getStatus()).isEqualTo("acknowledged");
      assertThat(alert.getAcknowledgedBy()).isEqualTo("ops");
      assertThat(
              hooks.to("/alerts").stream()
                  .map(WebhookReceiver.Delivery::idempotencyKey)
                  .collect(Collectors.toSet()))
          .hasSize(alert.getNotifyCount().intValue());
      assertThat(hooks.to("/channels/web")).isNotEmpty();
      // The last push may have run before or after the expiry; a change signalled after it must
      // project exactly on_hand 150 − reserved 0 − safety 2.
      sync.onSkuChanged(SKU);
      await("channel projection after the expiry")
          .atMost(Duration.ofSeconds(60))
          .until(
              () -> sql.selectFrom(CHANNEL_AVAILABILITY).fetchOne().getAvailableToSell(),
              v -> v == 148L);
    } finally {
      temporal.close();
    }
  }

  /** The dev server on this test's ports and data file: a restart keeps every workflow. */
  private TemporalDevServer startTemporal() {
    return TemporalDevServer.start(
        dir.resolve("temporal"), temporalPort, uiPort, StockflowSearchAttributes.DEV_SERVER_FLAGS);
  }
}
