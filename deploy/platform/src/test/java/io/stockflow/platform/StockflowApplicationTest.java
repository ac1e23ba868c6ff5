package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class StockflowApplicationTest {
  @Test
  void aProcessWithoutTheApiRoleHasTheApiSwitchedOff() {
    assertThat(StockflowApplication.roleSwitches(Map.of("stockflow.roles", "consumer,worker")))
        .containsEntry("stockflow.api.enabled", "false");
    assertThat(StockflowApplication.roleSwitches(Map.of("stockflow.roles", "worker")))
        .containsEntry("stockflow.api.enabled", "false");
  }

  @Test
  void aProcessWithTheApiRoleOrAnExplicitSwitchIsLeftAlone() {
    assertThat(StockflowApplication.roleSwitches(Map.of("stockflow.roles", "api,consumer")))
        .doesNotContainKey("stockflow.api.enabled");
    assertThat(
            StockflowApplication.roleSwitches(
                Map.of("stockflow.roles", "consumer", "stockflow.api.enabled", "true")))
        .containsEntry("stockflow.api.enabled", "true");
  }
}
