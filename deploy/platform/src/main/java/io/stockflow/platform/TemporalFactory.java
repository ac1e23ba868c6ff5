package io.stockflow.platform;

import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import jakarta.inject.Singleton;

/** The Temporal connection shared by subprocessors (clients), workers and the API. */
@Factory
public class TemporalFactory {
  @Singleton
  @Bean(preDestroy = "shutdown")
  public WorkflowServiceStubs serviceStubs(@Value("${stockflow.temporal.target}") String target) {
    return WorkflowServiceStubs.newServiceStubs(
        WorkflowServiceStubsOptions.newBuilder().setTarget(target).build());
  }

  @Singleton
  public WorkflowClient workflowClient(
      WorkflowServiceStubs stubs,
      @Value("${stockflow.temporal.namespace:default}") String namespace) {
    return WorkflowClient.newInstance(
        stubs, WorkflowClientOptions.newBuilder().setNamespace(namespace).build());
  }
}
