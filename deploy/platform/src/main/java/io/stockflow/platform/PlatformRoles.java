package io.stockflow.platform;

import io.micronaut.context.annotation.Value;
import jakarta.inject.Singleton;
import java.util.Arrays;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Which parts of the platform run in this process ({@code stockflow.roles}, env STOCKFLOW_ROLES):
 * {@code api} (HTTP), {@code consumer} (changefeed consumers), {@code worker} (Temporal workers).
 * Unknown names fail at start.
 */
@Singleton
public class PlatformRoles {
  public static final Set<String> KNOWN = Set.of("api", "consumer", "worker");
  public static final String ALL = "api,consumer,worker";
  private final Set<String> roles;

  public PlatformRoles(@Value("${stockflow.roles:api,consumer,worker}") String roles) {
    this.roles =
        Arrays.stream(roles.split(","))
            .map(s -> s.trim().toLowerCase(Locale.ROOT))
            .filter(s -> !s.isEmpty())
            .collect(Collectors.toUnmodifiableSet());
    Set<String> unknown =
        this.roles.stream().filter(r -> !KNOWN.contains(r)).collect(Collectors.toSet());
    if (!unknown.isEmpty())
      throw new IllegalArgumentException(
          "unknown role(s) " + unknown + " in stockflow.roles; known: " + KNOWN);
  }

  public boolean api() {
    return roles.contains("api");
  }

  public boolean consumer() {
    return roles.contains("consumer");
  }

  public boolean worker() {
    return roles.contains("worker");
  }

  @Override
  public String toString() {
    return String.join(",", roles);
  }
}
