package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StockflowApplicationTest {
  @Test
  void a_process_without_the_api_role_has_the_api_switched_off() {
    assertThat(StockflowApplication.roleSwitches(Map.of("stockflow.roles", "consumer,worker")))
        .containsEntry("stockflow.api.enabled", "false");
    assertThat(StockflowApplication.roleSwitches(Map.of("stockflow.roles", "worker")))
        .containsEntry("stockflow.api.enabled", "false");
  }

  @Test
  void a_process_with_the_api_role_or_an_explicit_switch_is_left_alone() {
    assertThat(StockflowApplication.roleSwitches(Map.of("stockflow.roles", "api,consumer")))
        .doesNotContainKey("stockflow.api.enabled");
    assertThat(
            StockflowApplication.roleSwitches(
                Map.of("stockflow.roles", "consumer", "stockflow.api.enabled", "true")))
        .containsEntry("stockflow.api.enabled", "true");
  }
}
