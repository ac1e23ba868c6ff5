package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import java.net.URI;

/**
 * {@code stockflow.tracing.*}: OpenTelemetry tracing, one trace per row change from the changefeed
 * message to the workflow activities it causes (see {@link Tracing}). Off unless an OTLP endpoint
 * is configured.
 *
 * @param otlpEndpoint OTLP/HTTP base URL of a collector, e.g. {@code http://otel-collector:4318};
 *     spans are POSTed to {@code <endpoint>/v1/traces}. Unset: tracing is off (no SDK, no spans).
 * @param serviceName the {@code service.name} of this process's spans
 * @param sampleRatio the fraction of changes traced (decided once per change, at its message; every
 *     span of the trace follows), from 0 to 1
 */
@ConfigurationProperties("stockflow.tracing")
public record TracingConfiguration(
    @Nullable String otlpEndpoint,
    @Bindable(defaultValue = "stockflow") String serviceName,
    @Bindable(defaultValue = "1.0") double sampleRatio) {

  public TracingConfiguration {
    if (otlpEndpoint != null && otlpEndpoint.isBlank()) otlpEndpoint = null;
    if (otlpEndpoint != null) {
      URI uri = URI.create(otlpEndpoint);
      if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme()))
        throw new IllegalArgumentException(
            "stockflow.tracing.otlp-endpoint must be an http(s) URL, e.g."
                + " http://otel-collector:4318; got "
                + otlpEndpoint);
    }
    if (!(sampleRatio >= 0 && sampleRatio <= 1))
      throw new IllegalArgumentException(
          "stockflow.tracing.sample-ratio must be between 0 and 1; got " + sampleRatio);
  }

  /** Where the spans go: the endpoint's {@code /v1/traces}, as OTLP/HTTP defines it. */
  public String tracesUrl() {
    return otlpEndpoint.replaceFirst("/+$", "") + "/v1/traces";
  }
}
