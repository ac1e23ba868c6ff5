package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code stockflow.temporal.*}: the Temporal service the workflow clients and the worker use.
 *
 * @param target the frontend's {@code host:port}; required (the dev stack passes its dev server's)
 * @param namespace the Temporal namespace of every stockflow workflow
 * @param uiUrl the Temporal Web UI's base URL, where the ops console links workflows; null: no
 *     links (the dev stack passes its dev server's)
 */
@ConfigurationProperties("stockflow.temporal")
public record TemporalConfiguration(
    @Nullable String target,
    @Bindable(defaultValue = "default") String namespace,
    @Nullable String uiUrl) {
  public TemporalConfiguration {
    if (target == null || target.isBlank())
      throw new IllegalArgumentException(
          "stockflow.temporal.target is required (environment variable STOCKFLOW_TEMPORAL_TARGET)");
    if (namespace == null || namespace.isBlank())
      throw new IllegalArgumentException("stockflow.temporal.namespace is required");
    if (uiUrl != null && uiUrl.isBlank()) uiUrl = null;
    // The console puts it into links: only a web address, never e.g. a javascript: URL.
    if (uiUrl != null && !uiUrl.matches("https?://.+"))
      throw new IllegalArgumentException(
          "stockflow.temporal.ui-url must be an http(s) URL, not '" + uiUrl + "'");
    if (uiUrl != null) uiUrl = uiUrl.replaceFirst("/+$", "");
  }
}
