package io.stockflow.workflows.worker;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.api.enums.v1.IndexedValueType;
import io.temporal.api.operatorservice.v1.AddSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesRequest;
import io.temporal.api.operatorservice.v1.ListSearchAttributesResponse;
import io.temporal.serviceclient.OperatorServiceStubs;
import io.temporal.serviceclient.OperatorServiceStubsOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Registers the {@link StockflowSearchAttributes} on a Temporal cluster through the
 * OperatorService, at start-up of a worker role. Idempotent: attributes that exist already are
 * skipped, and a concurrent registration by another instance ("already exists") is tolerated. The
 * dev server gets them from its command line instead.
 */
public final class SearchAttributeRegistrar {
  private SearchAttributeRegistrar() {}

  /**
   * Adds the missing attributes to {@code namespace}.
   *
   * @return the names that were added (empty when all existed)
   */
  public static Map<String, IndexedValueType> register(
      WorkflowServiceStubs service, String namespace) {
    OperatorServiceStubs operator =
        OperatorServiceStubs.newServiceStubs(
            OperatorServiceStubsOptions.newBuilder()
                .setChannel(service.getRawChannel())
                .validateAndBuildWithDefaults());
    try {
      ListSearchAttributesResponse existing =
          operator
              .blockingStub()
              .listSearchAttributes(
                  ListSearchAttributesRequest.newBuilder().setNamespace(namespace).build());
      Map<String, IndexedValueType> missing = new LinkedHashMap<>();
      StockflowSearchAttributes.DEFINITIONS.forEach(
          (name, type) -> {
            if (!existing.getCustomAttributesMap().containsKey(name)) missing.put(name, type);
          });
      if (missing.isEmpty()) return Map.of();
      try {
        operator
            .blockingStub()
            .addSearchAttributes(
                AddSearchAttributesRequest.newBuilder()
                    .setNamespace(namespace)
                    .putAllSearchAttributes(missing)
                    .build());
      } catch (StatusRuntimeException e) {
        if (e.getStatus().getCode() != Status.Code.ALREADY_EXISTS) throw e;
      }
      return missing;
    } finally {
      // The channel belongs to the caller's service stubs; only the wrapper is ours.
      operator.shutdown();
    }
  }
}
