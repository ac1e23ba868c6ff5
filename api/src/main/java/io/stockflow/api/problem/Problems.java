package io.stockflow.api.problem;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds RFC 9457 problem documents. Every error the API returns has {@code type}, {@code title},
 * {@code status}, {@code detail} and {@code instance}; validation failures add {@code errors}, a
 * list of {@code {field, reason}}; conflicts add what they are about (e.g. {@code constraint},
 * {@code from}/{@code to}, {@code unservableLines}).
 */
public final class Problems {
  /** Base of every problem {@code type} URI; the slug after it is stable and documented. */
  public static final String TYPE_BASE = "https://stockflow.io/problems/";

  public static final MediaType PROBLEM_JSON = MediaType.of("application/problem+json");

  private Problems() {}

  /** The problem body as an ordered map (serialised by Jackson as a JSON object). */
  public static Map<String, Object> body(
      HttpStatus status,
      String type,
      String title,
      String detail,
      String instance,
      List<ApiProblem.FieldError> errors,
      Map<String, Object> extensions) {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", TYPE_BASE + type);
    body.put("title", title);
    body.put("status", status.getCode());
    if (detail != null) body.put("detail", detail);
    if (instance != null) body.put("instance", instance);
    if (!errors.isEmpty()) body.put("errors", errors);
    extensions.forEach(body::putIfAbsent);
    return body;
  }

  /** The response for {@code problem}, answering {@code request}. */
  public static MutableHttpResponse<Map<String, Object>> response(
      HttpRequest<?> request, ApiProblem problem) {
    MutableHttpResponse<Map<String, Object>> response =
        HttpResponse.<Map<String, Object>>status(problem.status());
    if (problem.retryAfterSeconds() != null) {
      response.header(HttpHeaders.RETRY_AFTER, Long.toString(problem.retryAfterSeconds()));
    }
    return response
        .contentType(PROBLEM_JSON)
        .body(
            body(
                problem.status(),
                problem.type(),
                problem.title(),
                problem.detail(),
                request == null ? null : request.getPath(),
                problem.errors(),
                problem.extensions()));
  }
}
