package io.stockflow.db;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class EnvironmentSettingsTest {
  @Test
  void aPropertyMapsToTheEnvironmentVariableMicronautReads() {
    assertThat(EnvironmentSettings.variable("stockflow.database.pool-size"))
        .isEqualTo("STOCKFLOW_DATABASE_POOL_SIZE");
    assertThat(EnvironmentSettings.variable("stockflow.bridge.data-dir"))
        .isEqualTo("STOCKFLOW_BRIDGE_DATA_DIR");
  }

  @Test
  void aSystemPropertyWinsOverTheEnvironmentVariable() {
    Properties system = new Properties();
    system.setProperty("stockflow.roles", "api");
    var settings = new EnvironmentSettings(Map.of("STOCKFLOW_ROLES", "worker"), system);

    assertThat(settings.get("stockflow.roles")).contains("api");
  }

  @Test
  void theEnvironmentVariableIsReadWhenNoSystemPropertyIsSet() {
    var settings = new EnvironmentSettings(Map.of("STOCKFLOW_ROLES", "worker"), new Properties());

    assertThat(settings.get("stockflow.roles")).contains("worker");
    assertThat(settings.get("stockflow.roles", "api")).isEqualTo("worker");
  }

  @Test
  void anUnsetOrBlankSettingTakesTheDefaultOrFailsNamingItsVariable() {
    var settings = new EnvironmentSettings(Map.of("STOCKFLOW_BRIDGE_SLOT", " "), new Properties());

    assertThat(settings.get("stockflow.bridge.slot")).isEmpty();
    assertThat(settings.get("stockflow.bridge.slot", "stockflow_bridge"))
        .isEqualTo("stockflow_bridge");
    assertThatThrownBy(() -> settings.required("stockflow.bridge.data-dir"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "stockflow.bridge.data-dir is required (environment variable"
                + " STOCKFLOW_BRIDGE_DATA_DIR)");
  }
}
