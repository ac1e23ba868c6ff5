package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;

/**
 * {@code stockflow.temporal.*}: the Temporal service the workflow clients and the worker use.
 *
 * @param target the frontend's {@code host:port}; required (the dev stack passes its dev server's)
 * @param namespace the Temporal namespace of every stockflow workflow
 */
@ConfigurationProperties("stockflow.temporal")
public record TemporalConfiguration(
    @Nullable String target, @Bindable(defaultValue = "default") String namespace) {
  public TemporalConfiguration {
    if (target == null || target.isBlank())
      throw new IllegalArgumentException(
          "stockflow.temporal.target is required (environment variable STOCKFLOW_TEMPORAL_TARGET)");
    if (namespace == null || namespace.isBlank())
      throw new IllegalArgumentException("stockflow.temporal.namespace is required");
  }
}
