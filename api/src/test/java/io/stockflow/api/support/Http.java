package io.stockflow.api.support;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A tiny HTTP client for the tests: raw JSON strings in (so malformed bodies can be sent), status,
 * headers and parsed JSON out. Thread-safe; one shared JDK client per instance.
 */
public final class Http {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  private final URI base;
  private final String apiKey;

  public Http(URI base, String apiKey) {
    this.base = base;
    this.apiKey = apiKey;
  }

  /**
   * A response: status, content type, the Idempotent-Replayed header, the parsed body and the
   * Retry-After header.
   */
  public record Response(
      int status, String contentType, String replayed, JsonNode body, String retryAfter) {
    /** The problem type's slug (after {@code /problems/}), for error responses. */
    public String problemType() {
      String type = body.path("type").asText();
      return type.substring(type.lastIndexOf('/') + 1);
    }
  }

  public Response get(String path) {
    return send("GET", path, null, null);
  }

  public Response post(String path, String json) {
    return send("POST", path, json, null);
  }

  public Response post(String path, String json, String idempotencyKey) {
    return send("POST", path, json, idempotencyKey);
  }

  public Response put(String path, String json) {
    return send("PUT", path, json, null);
  }

  public Response send(String method, String path, String json, String idempotencyKey) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(60))
            .method(
                method,
                json == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(json));
    if (json != null) b.header("Content-Type", "application/json");
    if (apiKey != null) b.header("X-API-Key", apiKey);
    if (idempotencyKey != null) b.header("Idempotency-Key", idempotencyKey);
    try {
      HttpResponse<String> r = CLIENT.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode body = r.body() == null || r.body().isEmpty() ? JSON.nullNode() : parse(r.body());
      return new Response(
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(""),
          r.headers().firstValue("Idempotent-Replayed").orElse(null),
          body,
          r.headers().firstValue("Retry-After").orElse(null));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static JsonNode parse(String body) {
    try {
      return JSON.readTree(body);
    } catch (IOException e) {
      return JSON.getNodeFactory().textNode(body);
    }
  }
}
