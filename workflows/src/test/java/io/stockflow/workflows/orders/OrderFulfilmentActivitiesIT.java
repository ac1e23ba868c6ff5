package io.stockflow.workflows.orders;

import static io.stockflow.db.jooq.Tables.ALERTS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import io.stockflow.testsupport.PostgresExtension;
import io.stockflow.workflows.WebhookSender;
import io.stockflow.workflows.alerts.AlertActivitiesImpl;
import io.stockflow.workflows.alerts.AlertInput;
import io.stockflow.workflows.alerts.AlertKind;
import io.stockflow.workflows.alerts.AlertPolicy;
import io.stockflow.workflows.alerts.AlertRecord;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The order fulfilment SLA's database side, on embedded PostgreSQL with the real migrations. */
class OrderFulfilmentActivitiesIT {
  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  static DSLContext sql;
  static Transactions transactions;

  @BeforeAll
  static void start() {
    sql = Database.dsl(postgres.dataSource());
    transactions = new Transactions(sql);
    sql.execute(
        "INSERT INTO locations (id, name, kind, region) VALUES ('SEA1', 'Seattle', 'fulfilment_centre',"
            + " 'us-west')");
  }

  @Test
  void currentStatusReadsTheOrderRowAndNullWhenThereIsNone() {
    UUID id = UUID.randomUUID();
    sql.execute(
        "INSERT INTO orders (id, cart_id, location_id, status) VALUES (?, ?, 'SEA1', 'confirmed')",
        id,
        "cart-" + id);
    OrderFulfilmentActivities db = new OrderFulfilmentActivitiesImpl(transactions);

    assertThat(db.currentStatus(id.toString())).isEqualTo("confirmed");
    sql.execute("UPDATE orders SET status = 'shipped' WHERE id = ?", id);
    assertThat(db.currentStatus(id.toString())).isEqualTo("shipped");
    assertThat(db.currentStatus(UUID.randomUUID().toString())).isNull();
    assertThat(db.currentStatus("not-a-uuid")).isNull();
  }

  @Test
  void anOrderLateAlertIsOneRowPerOrder() {
    boolean migrated =
        sql.fetchExists(
            sql.selectOne().from("flyway_schema_history").where("version = '41' AND success"));
    assumeTrue(migrated, "the installed db-migrations predates V41__order_late_alert");
    AlertActivitiesImpl alerts =
        new AlertActivitiesImpl(transactions, new WebhookSender(Duration.ofSeconds(5)), null);
    String order = UUID.randomUUID().toString();
    AlertInput input =
        new AlertInput(
            AlertKind.ORDER_LATE,
            null,
            "SEA1",
            "warning",
            "Order " + order + " is not shipped by its deadline",
            Map.of("orderId", order),
            order,
            AlertPolicy.DEFAULT);

    AlertRecord first = alerts.open(input);
    AlertRecord again = alerts.open(input);
    assertThat(first.episodeKey()).isEqualTo("order_late/-/SEA1/" + order);
    assertThat(again.id()).isEqualTo(first.id());
    assertThat(sql.fetchCount(ALERTS, ALERTS.EPISODE_KEY.eq(first.episodeKey()))).isEqualTo(1);
  }
}
