package io.stockflow.platform;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.MethodDescriptor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.stockflow.workflows.worker.WorkerSettings;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Singleton;
import java.util.List;

/**
 * The Temporal connection shared by subprocessors (clients), workers and the API, and the worker
 * settings (whose task queue the subprocessors' workflow clients start workflows on).
 */
@Factory
public class TemporalFactory {
  /**
   * Counts every call to the Temporal frontend by gRPC method ({@code
   * stockflow_temporal_calls_total{method="SignalWithStartWorkflowExecution"}}): the changefeed's
   * coalescing is judged by how slowly the start/signal calls grow with the change rate.
   */
  public static final String CALLS = "stockflow.temporal.calls";

  @Singleton
  @Bean(preDestroy = "shutdown")
  public WorkflowServiceStubs serviceStubs(TemporalConfiguration config, MeterRegistry registry) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder()
            .setTarget(config.target())
            .setGrpcClientInterceptors(List.of(new CallCounter(registry)))
            .build());
  }

  /** With tracing on, every start and signal carries the caller's trace to the workflow. */
  @Singleton
  public WorkflowClient workflowClient(
      WorkflowServiceStubs stubs, TemporalConfiguration config, Tracing tracing) {
    return WorkflowClient.newInstance(
        stubs,
        WorkflowClientOptions.newBuilder()
            .setNamespace(config.namespace())
            .setInterceptors(tracing.clientInterceptors())
            .build());
  }

  @Singleton
  public WorkerSettings workerSettings(WorkerConfiguration config) {
    return config.settings();
  }

  private record CallCounter(MeterRegistry registry) implements ClientInterceptor {
    @Override
    public <Q, R> ClientCall<Q, R> interceptCall(
        MethodDescriptor<Q, R> method, CallOptions options, Channel next) {
      registry.counter(CALLS, "method", String.valueOf(method.getBareMethodName())).increment();
      return next.newCall(method, options);
    }
  }
}
