package io.stockflow.workflows.alerts;

import static io.stockflow.db.jooq.Tables.ALERTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stockflow.db.Database;
import io.stockflow.testsupport.PostgresExtension;
import io.stockflow.testsupport.TemporalExtension;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.stockflow.workflows.support.RealStack;
import io.stockflow.workflows.support.WebhookReceiver;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Stock alerts from SQL writes, on the real dev server and PostgreSQL, with a real webhook. */
class AlertIT {
  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  @RegisterExtension
  static final TemporalExtension temporal =
      TemporalExtension.withSearchAttributes(StockflowSearchAttributes.DEV_SERVER_FLAGS);

  @Test
  void outOfStockAlertsOnceNotifiesTheWebhookAndResolvesWhenStockReturns() throws Exception {
    try (WebhookReceiver hooks = new WebhookReceiver();
        RealStack stack =
            new RealStack(
                postgres.dataSource(),
                temporal.target(),
                RealStack.testSettings(temporal.taskQueue(), hooks.url("/alerts")))) {
      AlertClient alerts = new AlertClient(stack.client(), stack.taskQueue());
      stack.seedRow("JERKY-TERIYAKI-3OZ", "SEA1", 5, 3, 0, 50);
      var before = stack.snapshot("JERKY-TERIYAKI-3OZ", "SEA1");
      stack.sql.execute(
          "UPDATE inventory_levels SET on_hand = 0 WHERE sku = 'JERKY-TERIYAKI-3OZ' AND location_id = 'SEA1'");
      var after = stack.snapshot("JERKY-TERIYAKI-3OZ", "SEA1");
      assertThat(alerts.onStockChanged(before, after)).containsExactly(AlertKind.OUT_OF_STOCK);
      alerts.onStockChanged(before, after); // the duplicate delivery

      await("webhook notified")
          .atMost(Duration.ofSeconds(60))
          .until(() -> hooks.to("/alerts").size() == 1);
      assertThat(hooks.to("/alerts").get(0).idempotencyKey())
          .isEqualTo("out_of_stock/JERKY-TERIYAKI-3OZ/SEA1/1/1");
      assertThat(hooks.to("/alerts").get(0).body()).contains("\"kind\":\"out_of_stock\"");
      assertThat(stack.sql.fetchCount(ALERTS)).isEqualTo(1);

      stack.sql.execute(
          "UPDATE inventory_levels SET on_hand = 40 WHERE sku = 'JERKY-TERIYAKI-3OZ' AND location_id = 'SEA1'");
      alerts.onStockChanged(after, stack.snapshot("JERKY-TERIYAKI-3OZ", "SEA1"));
      AlertResult result =
          stack
              .client()
              .newUntypedWorkflowStub(
                  AlertClient.workflowId(AlertKind.OUT_OF_STOCK, "JERKY-TERIYAKI-3OZ", "SEA1"))
              .getResult(60, TimeUnit.SECONDS, AlertResult.class);
      assertThat(result.status()).isEqualTo("resolved");
      assertThat(stack.sql.selectFrom(ALERTS).fetchOne().getStatus()).isEqualTo("resolved");

      // The stale out-of-stock change replayed: the condition no longer holds, no new alert.
      alerts.onStockChanged(before, after);
      assertThat(
              stack
                  .client()
                  .newUntypedWorkflowStub(
                      AlertClient.workflowId(AlertKind.OUT_OF_STOCK, "JERKY-TERIYAKI-3OZ", "SEA1"))
                  .getResult(60, TimeUnit.SECONDS, AlertResult.class)
                  .status())
          .isEqualTo("not_needed");
      assertThat(stack.sql.fetchCount(ALERTS)).isEqualTo(1);
    }
  }
}
