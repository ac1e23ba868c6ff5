package io.stockflow.platform;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.opentracingshim.OpenTracingShim;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.SdkTracerProviderBuilder;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.common.interceptors.WorkflowClientInterceptor;
import io.temporal.opentracing.OpenTracingClientInterceptor;
import io.temporal.opentracing.OpenTracingOptions;
import io.temporal.opentracing.OpenTracingWorkerInterceptor;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's OpenTelemetry: the SDK exporting over OTLP when {@code
 * stockflow.tracing.otlp-endpoint} is set (or when a {@link SpanProcessor} bean exists, as in the
 * tracing test), else the no-op implementation and nothing started. It feeds the changefeed
 * consumer ({@link ConsumerFactory}) and Temporal's OpenTracing interceptors, bridged to it by
 * OpenTelemetry's OpenTracing shim: on the workflow client ({@link TemporalFactory}), so a
 * subprocessor's start/signal/SignalWithStart call carries the trace in the call's headers, and on
 * the worker ({@link RoleLifecycle}), so the workflow run and its activities continue it.
 * Propagation is W3C trace context. Closing flushes the spans still buffered.
 */
@Singleton
public class Tracing implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("stockflow");

  private final OpenTelemetrySdk sdk;
  private final OpenTracingOptions temporal;

  /**
   * @param processors extra span processors besides the OTLP exporter; with any, tracing is on
   */
  public Tracing(TracingConfiguration config, List<SpanProcessor> processors) {
    if (config.otlpEndpoint() == null && processors.isEmpty()) {
      sdk = null;
      temporal = null;
      log.info("Tracing off (set stockflow.tracing.otlp-endpoint to export spans over OTLP)");
      return;
    }
    SdkTracerProviderBuilder provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault().toBuilder()
                    .put(AttributeKey.stringKey("service.name"), config.serviceName())
                    .build())
            // The change's message decides; everything it causes follows, across Temporal too.
            .setSampler(Sampler.parentBased(Sampler.traceIdRatioBased(config.sampleRatio())));
    if (config.otlpEndpoint() != null)
      provider.addSpanProcessor(
          BatchSpanProcessor.builder(
                  OtlpHttpSpanExporter.builder().setEndpoint(config.tracesUrl()).build())
              .build());
    processors.forEach(provider::addSpanProcessor);
    sdk =
        OpenTelemetrySdk.builder()
            .setTracerProvider(provider.build())
            .setPropagators(ContextPropagators.create(W3CTraceContextPropagator.getInstance()))
            .build();
    temporal =
        OpenTracingOptions.newBuilder().setTracer(OpenTracingShim.createTracerShim(sdk)).build();
    log.info(
        "Tracing on: service {}, sample ratio {}, {}",
        config.serviceName(),
        config.sampleRatio(),
        config.otlpEndpoint() == null
            ? processors.size() + " in-process span processor(s)"
            : "exporting to " + config.tracesUrl());
  }

  public boolean enabled() {
    return sdk != null;
  }

  /** The SDK, or {@link OpenTelemetry#noop()} when tracing is off. */
  public OpenTelemetry openTelemetry() {
    return sdk == null ? OpenTelemetry.noop() : sdk;
  }

  /** For every workflow client: none when off. */
  public WorkflowClientInterceptor[] clientInterceptors() {
    return temporal == null
        ? new WorkflowClientInterceptor[0]
        : new WorkflowClientInterceptor[] {new OpenTracingClientInterceptor(temporal)};
  }

  /** For the worker: none when off. */
  public WorkerInterceptor[] workerInterceptors() {
    return temporal == null
        ? new WorkerInterceptor[0]
        : new WorkerInterceptor[] {new OpenTracingWorkerInterceptor(temporal)};
  }

  /** Exports what is still buffered (waits up to 10 s) and stops the SDK. */
  @PreDestroy
  @Override
  public void close() {
    if (sdk != null) sdk.close();
  }
}
