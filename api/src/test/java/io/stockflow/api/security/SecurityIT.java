package io.stockflow.api.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.List;
import org.junit.jupiter.api.Test;

@MicronautTest
class SecurityIT extends ApiIT {

  @Test
  void noKeyOrAnUnknownKeyIsA401Problem() {
    Http.Response none = http(null).get("/inventory/ANY");
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.contentType()).startsWith("application/problem+json");
    assertThat(none.problemType()).isEqualTo("unauthenticated");
    assertThat(http("not-a-key").post("/reservations", "{}").status()).isEqualTo(401);
  }

  @Test
  void aKeyWithoutTheRoleIsA403() {
    assertThat(channel().get("/ops/status").status()).isEqualTo(403);
    assertThat(associate().post("/reservations", "{}").status()).isEqualTo(403);
  }

  @Test
  void unknownRoutesAndMethodsAreProblemsToo() {
    Http.Response missing = ops().get("/no-such-endpoint");
    assertThat(missing.status()).isEqualTo(404);
    assertThat(missing.contentType()).startsWith("application/problem+json");
    // The resource exists, the method does not: 405 (RFC 9110), not 404.
    Http.Response method = ops().send("DELETE", "/reservations/c1", null, null);
    assertThat(method.status()).isEqualTo(405);
    assertThat(method.contentType()).startsWith("application/problem+json");
    assertThat(method.problemType()).isEqualTo("method-not-allowed");
  }

  @Test
  void anOverlongIdempotencyKeyIsRefused() {
    Http.Response r = channel().post("/reservations/c-x/release", null, "k".repeat(201));
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("errors").get(0).path("field").asText()).isEqualTo("Idempotency-Key");
  }

  @Test
  void healthIsPublic() {
    Http.Response r = http(null).get("/health");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("status").asText()).isEqualTo("UP");
  }

  @Test
  void prometheusNeedsTheOpsRole() {
    assertThat(http(null).get("/prometheus").status()).isEqualTo(401);
    assertThat(channel().get("/prometheus").status()).isEqualTo(403);
    Http.Response r = ops().get("/prometheus");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().asText()).contains("jvm_memory_used_bytes");
  }

  @Test
  void managementEndpointsOtherThanHealthAreForOpsWhateverTheSpelling() {
    // Micronaut serves /prometheus/ as /prometheus: the same rule applies, not a 500.
    assertThat(http(null).get("/prometheus/").status()).isEqualTo(401);
    assertThat(channel().get("/prometheus/").status()).isEqualTo(403);
    assertThat(ops().get("/prometheus/").status()).isEqualTo(200);
    // Switched off: no route, so 401 to a stranger and 404 to a known key.
    for (String path : List.of("/metrics", "/beans", "/routes", "/threaddump", "/info")) {
      assertThat(http(null).get(path).status()).as(path).isEqualTo(401);
      assertThat(channel().get(path).status()).as(path).isEqualTo(404);
      assertThat(ops().get(path).status()).as(path).isEqualTo(404);
    }
  }

  @Test
  void healthProbesArePublicAndShowStrangersTheStatusOnly() {
    for (String path : List.of("/health", "/health/", "/health/liveness", "/health/readiness")) {
      Http.Response r = http(null).get(path);
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.body().path("status").asText()).as(path).isEqualTo("UP");
      assertThat(r.body().has("details")).as(path + " " + r.body()).isFalse();
    }
    assertThat(ops().get("/health").body().has("details")).isTrue();
  }

  @Test
  void theOpenapiSpecAndSwaggerUiAreServed() {
    Http.Response spec = http(null).get("/swagger/stockflow-api-0.1.yml");
    assertThat(spec.status()).isEqualTo(200);
    assertThat(spec.body().asText()).contains("/reservations").contains("X-API-Key");
    Http.Response ui = http(null).get("/swagger-ui/index.html");
    assertThat(ui.status()).isEqualTo(200);
    assertThat(ui.body().asText()).containsIgnoringCase("swagger");
  }
}
