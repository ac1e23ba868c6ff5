package io.stockflow.db;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * {@code stockflow.*} settings for code that runs without a Micronaut context (the changefeed
 * bridge's {@code main}, the dead-letters CLI, the platform before its context exists), resolved as
 * Micronaut resolves them, so one name works everywhere: the system property {@code
 * stockflow.bridge.data-dir}, else the environment variable {@code STOCKFLOW_BRIDGE_DATA_DIR}.
 * Inside a Micronaut context the same mapping is Micronaut's own; beans read their configuration
 * records, never this. Immutable.
 */
public final class EnvironmentSettings {
  private final Map<String, String> environment;
  private final Properties systemProperties;

  EnvironmentSettings(Map<String, String> environment, Properties systemProperties) {
    this.environment = Map.copyOf(environment);
    this.systemProperties = systemProperties;
  }

  /** Settings from {@code environment} alone (no system properties): for tools and tests. */
  public static EnvironmentSettings of(Map<String, String> environment) {
    return new EnvironmentSettings(environment, new Properties());
  }

  /** This process's environment variables and system properties. */
  public static EnvironmentSettings ofProcess() {
    return new EnvironmentSettings(System.getenv(), System.getProperties());
  }

  /**
   * The environment variable Micronaut maps to {@code property}: upper case, dots and dashes as
   * underscores ({@code stockflow.database.pool-size} ↔ {@code STOCKFLOW_DATABASE_POOL_SIZE}).
   */
  public static String variable(String property) {
    return property.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /** The property's value; empty when neither it nor its variable is set (or either is blank). */
  public Optional<String> get(String property) {
    String value = systemProperties.getProperty(property);
    if (value == null || value.isBlank()) value = environment.get(variable(property));
    return Optional.ofNullable(value).filter(v -> !v.isBlank());
  }

  public String get(String property, String defaultValue) {
    return get(property).orElse(Objects.requireNonNull(defaultValue, "defaultValue"));
  }

  /**
   * @throws IllegalArgumentException naming the property and its environment variable when unset
   */
  public String required(String property) {
    return get(property)
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    property + " is required (environment variable " + variable(property) + ")"));
  }
}
