package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.bind.annotation.Bindable;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * {@code stockflow.roles}: which parts of the platform run in this process, comma-separated: {@code
 * api} (HTTP), {@code consumer} (changefeed consumers), {@code worker} (Temporal workers). Unknown
 * names fail at start.
 *
 * @param roles the role names, normalised to lower case in the order {@link #KNOWN}
 */
@ConfigurationProperties("stockflow")
public record PlatformRoles(@Bindable(defaultValue = PlatformRoles.ALL) String roles) {
  public static final List<String> KNOWN = List.of("api", "consumer", "worker");
  public static final String ALL = "api,consumer,worker";

  public PlatformRoles {
    Set<String> named =
        Arrays.stream(roles.split(","))
            .map(s -> s.trim().toLowerCase(Locale.ROOT))
            .filter(s -> !s.isEmpty())
            .collect(java.util.stream.Collectors.toSet());
    List<String> unknown = named.stream().filter(r -> !KNOWN.contains(r)).sorted().toList();
    if (!unknown.isEmpty())
      throw new IllegalArgumentException(
          "unknown role(s) " + unknown + " in stockflow.roles; known: " + KNOWN);
    roles = String.join(",", KNOWN.stream().filter(named::contains).toList());
  }

  public boolean api() {
    return has("api");
  }

  public boolean consumer() {
    return has("consumer");
  }

  public boolean worker() {
    return has("worker");
  }

  private boolean has(String role) {
    return Arrays.asList(roles.split(",")).contains(role);
  }

  @Override
  public String toString() {
    return roles;
  }
}
