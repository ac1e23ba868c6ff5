package io.stockflow.workflows;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.stockflow.db.Json;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * POSTs a JSON document to a webhook (java.net.http). Called from activities only: a 2xx returns, a
 * 5xx, 408, 429 or I/O error throws so the activity is retried with backoff, any other 4xx throws a
 * non-retryable {@link ApplicationFailure} of type {@link #REJECTED} (the receiver will never
 * accept it). Each request carries an {@code Idempotency-Key} header so a receiver can drop the
 * duplicates that at-least-once delivery produces. Thread-safe.
 */
public final class WebhookSender {
  /** Failure type of a request the receiver rejected for good. */
  public static final String REJECTED = "WebhookRejected";

  private static final ObjectMapper JSON = Json.mapper();

  private final HttpClient http;
  private final Duration requestTimeout;

  public WebhookSender(Duration requestTimeout) {
    this.requestTimeout = requestTimeout;
    this.http = HttpClient.newBuilder().connectTimeout(requestTimeout).build();
  }

  /** Sends {@code body} as JSON; see the class comment for which failures are retried. */
  public void post(String url, String idempotencyKey, Object body) {
    String json;
    try {
      json = JSON.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          "cannot encode webhook body: " + e.getMessage(), REJECTED, e);
    }
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", idempotencyKey)
            .POST(HttpRequest.BodyPublishers.ofString(json))
            .build();
    HttpResponse<String> response;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new IllegalStateException("webhook " + url + " unreachable: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while calling webhook " + url, e);
    }
    int status = response.statusCode();
    if (status >= 200 && status < 300) return;
    String message = "webhook " + url + " answered " + status + ": " + response.body();
    if (status >= 400 && status < 500 && status != 408 && status != 429) {
      throw ApplicationFailure.newNonRetryableFailure(message, REJECTED);
    }
    throw new IllegalStateException(message);
  }
}
