package io.stockflow.api.problem;

import io.micronaut.http.HttpStatus;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A failure the caller can act on, rendered as {@code application/problem+json} (RFC 9457) by
 * {@link ApiProblemHandler}. Throw it from inside a transaction to roll the transaction back: a 4xx
 * never leaves a change behind.
 *
 * <p>{@code type} is a short slug (e.g. {@code insufficient-stock}); the rendered {@code type} URI
 * is {@link Problems#TYPE_BASE} plus the slug, so clients can switch on it.
 */
public final class ApiProblem extends RuntimeException {
  private final HttpStatus status;
  private final String type;
  private final String title;
  private final List<FieldError> errors;
  private final Map<String, Object> extensions;
  private final Long retryAfterSeconds;

  /** One invalid input: the JSON path or parameter name, and why it is invalid. */
  public record FieldError(String field, String reason) {}

  public ApiProblem(
      HttpStatus status,
      String type,
      String title,
      String detail,
      List<FieldError> errors,
      Map<String, Object> extensions) {
    this(status, type, title, detail, errors, extensions, null);
  }

  private ApiProblem(
      HttpStatus status,
      String type,
      String title,
      String detail,
      List<FieldError> errors,
      Map<String, Object> extensions,
      Long retryAfterSeconds) {
    super(detail, null, false, false);
    this.retryAfterSeconds = retryAfterSeconds;
    this.status = status;
    this.type = type;
    this.title = title;
    this.errors = List.copyOf(errors);
    this.extensions = new LinkedHashMap<>(extensions);
  }

  public HttpStatus status() {
    return status;
  }

  public String type() {
    return type;
  }

  public String title() {
    return title;
  }

  public String detail() {
    return getMessage();
  }

  public List<FieldError> errors() {
    return errors;
  }

  public Map<String, Object> extensions() {
    return extensions;
  }

  /** Seconds for the {@code Retry-After} header, or null for none. */
  public Long retryAfterSeconds() {
    return retryAfterSeconds;
  }

  /**
   * 429 with {@code Retry-After}: the request was not admitted (nothing was done), so the caller
   * may simply send it again after {@code retryAfterSeconds}.
   */
  public static ApiProblem tooManyRequests(
      String type, String detail, long retryAfterSeconds, Map<String, Object> extensions) {
    Map<String, Object> ext = new LinkedHashMap<>(extensions);
    ext.put("retryAfterSeconds", retryAfterSeconds);
    return new ApiProblem(
        HttpStatus.TOO_MANY_REQUESTS,
        type,
        "Too many requests",
        detail,
        List.of(),
        ext,
        retryAfterSeconds);
  }

  /** 404: the entity named in the path does not exist. */
  public static ApiProblem notFound(String what, String id) {
    return new ApiProblem(
        HttpStatus.NOT_FOUND,
        what.replace(' ', '-') + "-not-found",
        "Not found",
        what + " '" + id + "' does not exist",
        List.of(),
        Map.of(what.replace(' ', '_'), id));
  }

  /** 422 naming one field of the request body and why it is unacceptable. */
  public static ApiProblem invalidField(String field, String reason) {
    return new ApiProblem(
        HttpStatus.UNPROCESSABLE_ENTITY,
        "invalid-request",
        "Invalid request",
        field + ": " + reason,
        List.of(new FieldError(field, reason)),
        Map.of());
  }

  /** 400 naming one query/path parameter or body field that cannot be understood. */
  public static ApiProblem badRequest(String field, String reason) {
    return new ApiProblem(
        HttpStatus.BAD_REQUEST,
        "bad-request",
        "Bad request",
        field + ": " + reason,
        List.of(new FieldError(field, reason)),
        Map.of());
  }

  /** 409: the request is well-formed but conflicts with the current state. */
  public static ApiProblem conflict(
      String type, String title, String detail, Map<String, Object> extensions) {
    return new ApiProblem(HttpStatus.CONFLICT, type, title, detail, List.of(), extensions);
  }
}
