package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.api.security.ApiKeyAuthenticationFetcher;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The management endpoints as the platform's own {@code application.yml} configures them, on the
 * real HTTP server of an api-only platform (its only dependency is PostgreSQL): {@code /health} is
 * public (status only for strangers), {@code /prometheus} needs the ops role, and every other
 * management endpoint is switched off. Each path, and the spellings a client might try to slip past
 * a path check (trailing or doubled slashes, case, percent-encoding), answers exactly one status
 * per kind of caller: never 200 to a stranger, never 500.
 */
class ManagementEndpointsIT {
  private static final String OPS_KEY = "mgmt-it-ops-key-0123456789";
  private static final String CHANNEL_KEY = "mgmt-it-channel-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @RegisterExtension
  static final ApiOnlyPlatform platform =
      new ApiOnlyPlatform(Map.of(OPS_KEY, "ops", CHANNEL_KEY, "channel,associate"));

  /**
   * Disabled endpoints have no route: a stranger hears 401 (the set of routes is not revealed to
   * callers without a key), a known key 404.
   */
  @ParameterizedTest(name = "{0} {1}: no key {2}, channel {3}, ops {4}")
  @CsvSource({
    // Public probes, also at the sub-paths Kubernetes uses.
    "GET,  /health,                      200, 200, 200",
    "GET,  /health/,                     200, 200, 200",
    "GET,  /health/liveness,             200, 200, 200",
    "GET,  /health/readiness,            200, 200, 200",
    "GET,  /health/liveness/,            200, 200, 200",
    "GET,  /health/LIVENESS,             200, 200, 200",
    // The health endpoint's one path variable names the check; any other value is a bad request.
    "GET,  /health/bogus,                400, 400, 400",
    // Spellings the router does not serve reach nothing: no route, so 401 without a key, else 404.
    "GET,  //health,                     401, 404, 404",
    "GET,  /HEALTH,                      401, 404, 404",
    // Metrics for operators only, however the path is spelt.
    "GET,  /prometheus,                  401, 403, 200",
    "GET,  /prometheus/,                 401, 403, 200",
    "GET,  //prometheus,                 401, 404, 404",
    "GET,  /prometheus//,                401, 404, 404",
    "GET,  /%70rometheus,                401, 404, 404",
    "GET,  /PROMETHEUS,                  401, 404, 404",
    "GET,  /Prometheus/,                 401, 404, 404",
    // Everything else is off.
    "GET,  /metrics,                     401, 404, 404",
    "GET,  /metrics/,                    401, 404, 404",
    "GET,  /metrics/jvm.memory.used,     401, 404, 404",
    "GET,  /%6detrics,                   401, 404, 404",
    "GET,  /beans,                       401, 404, 404",
    "GET,  /routes,                      401, 404, 404",
    "GET,  /threaddump,                  401, 404, 404",
    "GET,  /info,                        401, 404, 404",
    "GET,  /loggers,                     401, 404, 404",
    "GET,  /loggers/ROOT,                401, 404, 404",
    "GET,  /env,                         401, 404, 404",
    "GET,  /caches,                      401, 404, 404",
    "POST, /refresh,                     401, 404, 404",
    "POST, /loggers/ROOT,                401, 404, 404",
    "POST, /stop,                        401, 404, 404",
  })
  void eachManagementPathAnswersOneStatusPerCaller(
      String method, String path, int none, int channel, int ops) {
    // One list, so a failure shows the whole row: no key, unknown key, channel key, ops key.
    List<Integer> statuses = new ArrayList<>();
    for (String key : Arrays.asList(null, "not-a-key", CHANNEL_KEY, OPS_KEY))
      statuses.add(send(method, path, key).status());
    assertThat(statuses).isEqualTo(List.of(none, none, channel, ops));
  }

  @Test
  void refusalsAreProblems() {
    Response r = send("GET", "/prometheus/", CHANNEL_KEY);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body().path("type").asText()).endsWith("/forbidden");
  }

  @Test
  void anUnknownHealthCheckIsAPlainBadRequest() {
    Response r = send("GET", "/health/bogus", null);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body().path("type").asText()).endsWith("/bad-request");
    assertThat(r.body().toString()).doesNotContainIgnoringCase("micronaut");
  }

  @Test
  void healthShowsStrangersTheStatusOnly() {
    Response stranger = send("GET", "/health", null);
    assertThat(stranger.body().path("status").asText()).isEqualTo("UP");
    assertThat(stranger.body().has("details")).as(stranger.body().toString()).isFalse();
    assertThat(stranger.body().size()).as(stranger.body().toString()).isEqualTo(1);

    Response liveness = send("GET", "/health/liveness", null);
    assertThat(liveness.body().has("details")).as(liveness.body().toString()).isFalse();

    Response ops = send("GET", "/health", OPS_KEY);
    assertThat(ops.body().path("details").has("changefeed")).as(ops.body().toString()).isTrue();
  }

  @Test
  void prometheusServesMetricsToOps() {
    assertThat(send("GET", "/prometheus", OPS_KEY).body().asText())
        .contains("jvm_memory_used_bytes");
  }

  private record Response(int status, String contentType, JsonNode body) {}

  private static Response send(String method, String path, String key) {
    // Concatenated, not URI.resolve: "//prometheus" must stay a path, not become an authority.
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(platform.base() + path))
            .timeout(Duration.ofSeconds(60))
            .method(method, HttpRequest.BodyPublishers.noBody());
    if (key != null) b.header(ApiKeyAuthenticationFetcher.HEADER, key);
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body;
      try {
        body = r.body().isEmpty() ? JSON.nullNode() : JSON.readTree(r.body());
      } catch (Exception notJson) {
        body = JSON.getNodeFactory().textNode(r.body());
      }
      return new Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), body);
    } catch (Exception e) {
      throw new IllegalStateException(method + " " + path, e);
    }
  }
}
