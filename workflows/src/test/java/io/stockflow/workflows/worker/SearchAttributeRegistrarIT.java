package io.stockflow.workflows.worker;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.embedded.Ports;
import io.stockflow.embedded.TemporalDevServer;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Registration on a server that does not know the attributes yet, then again (idempotent). */
class SearchAttributeRegistrarIT {
  @TempDir Path dir;

  @Test
  void registersMissingSearchAttributesOnceAndToleratesRunningAgain() {
    try (TemporalDevServer temporal =
        TemporalDevServer.start(dir, Ports.free(), Ports.free(), Map.of())) {
      WorkflowServiceStubs service =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
      try {
        assertThat(SearchAttributeRegistrar.register(service, "default"))
            .containsOnlyKeys("Sku", "LocationId", "Kind");
        assertThat(SearchAttributeRegistrar.register(service, "default")).isEmpty();
        assertThat(StockflowSearchAttributes.DEFINITIONS).hasSize(3);
      } finally {
        service.shutdownNow();
      }
    }
  }
}
