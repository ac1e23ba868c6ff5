package io.stockflow.api.support;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.inventory.InventoryController;
import io.stockflow.api.ops.OpsController;
import io.stockflow.api.ops.OpsMonitoringController;
import io.stockflow.api.orders.OrderController;
import io.stockflow.api.reservations.PurchaseLimitController;
import io.stockflow.api.reservations.ReservationController;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

/** In non-api roles ({@code stockflow.api.enabled=false}) no controller exists. */
@MicronautTest
@Property(name = "stockflow.api.enabled", value = "false")
class ApiDisabledIT extends ApiIT {
  @Inject ApplicationContext context;

  @Test
  void noControllerIsCreated() {
    assertThat(context.containsBean(ReservationController.class)).isFalse();
    assertThat(context.containsBean(InventoryController.class)).isFalse();
    assertThat(context.containsBean(OrderController.class)).isFalse();
    assertThat(context.containsBean(OpsController.class)).isFalse();
    assertThat(context.containsBean(OpsMonitoringController.class)).isFalse();
    assertThat(context.containsBean(PurchaseLimitController.class)).isFalse();
    // No route: a known key hears that the path does not exist here, a stranger only 401.
    assertThat(ops().get("/inventory/ANY").status()).isEqualTo(404);
    assertThat(http(null).get("/inventory/ANY").status()).isEqualTo(401);
  }
}
