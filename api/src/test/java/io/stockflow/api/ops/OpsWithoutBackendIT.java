package io.stockflow.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.annotation.Property;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import org.junit.jupiter.api.Test;

/** An api-only deployment (no consumer in the process) answers the backend endpoints with 503. */
@MicronautTest
@Property(name = "test.ops-backend", value = "false")
class OpsWithoutBackendIT extends ApiIT {

  @Test
  void backendEndpointsAnswer503ButReplayStillWorks() {
    Http.Response status = ops().get("/ops/status");
    assertThat(status.status()).isEqualTo(503);
    assertThat(status.problemType()).isEqualTo("ops-backend-unavailable");
    assertThat(ops().post("/ops/alerts/" + FakeOpsBackend.ALERT + "/acknowledge", null).status())
        .isEqualTo(503);
    assertThat(ops().post("/ops/replay", "{\"table\":\"orders\",\"all\":true}").status())
        .isEqualTo(200);
  }

  @Test
  void theConsolesBackendReadsAnswer503ButTheAlertsListDoesNot() {
    for (String path : new String[] {"/ops/lanes", "/ops/dead-letters/" + FakeOpsBackend.LETTER}) {
      Http.Response r = ops().get(path);
      assertThat(r.status()).as(path).isEqualTo(503);
      assertThat(r.problemType()).as(path).isEqualTo("ops-backend-unavailable");
    }
    assertThat(ops().post("/ops/redrive-dead-letters", null).status()).isEqualTo(503);
    // The alerts are read from the database, which every api instance has.
    assertThat(ops().get("/ops/alerts").status()).isEqualTo(200);
  }
}
