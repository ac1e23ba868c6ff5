package io.stockflow.api.problem;

import io.micronaut.context.annotation.Primary;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.server.exceptions.response.Error;
import io.micronaut.http.server.exceptions.response.ErrorContext;
import io.micronaut.http.server.exceptions.response.JsonErrorResponseBodyProvider;
import jakarta.inject.Singleton;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Turns the errors Micronaut itself detects (bean validation, malformed JSON, missing or
 * unconvertible parameters, unknown routes, 401/403 from security) into the same problem+json shape
 * as {@link ApiProblem}, so clients parse one format. A 5xx says only that the request failed: its
 * cause's text is for the log. Validation paths such as {@code reserve.request.lines[0].quantity}
 * are shortened to the body path {@code lines[0].quantity}.
 */
@Singleton
@Primary
public class ProblemJsonErrorBodyProvider
    implements JsonErrorResponseBodyProvider<Map<String, Object>> {

  @Override
  public String contentType() {
    return Problems.PROBLEM_JSON.toString();
  }

  @Override
  public Map<String, Object> body(ErrorContext context, HttpResponse<?> response) {
    HttpStatus status = response.getStatus();
    if (status.getCode() >= 500) {
      // Micronaut's message for an unhandled exception is "Internal Server Error: " plus the
      // exception's message, which may quote SQL and the database's error; the log has it.
      return Problems.body(
          status,
          typeOf(status),
          status.getReason(),
          "the server could not complete the request",
          context.getRequest().getPath(),
          List.of(),
          Map.of());
    }
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    List<String> messages = new ArrayList<>();
    for (Error error : context.getErrors()) {
      String reason = withoutCause(error.getMessage());
      messages.add(reason);
      error.getPath().ifPresent(p -> errors.add(new ApiProblem.FieldError(fieldOf(p), reason)));
    }
    String detail =
        errors.isEmpty()
            ? String.join("; ", messages)
            : String.join("; ", errors.stream().map(e -> e.field() + ": " + e.reason()).toList());
    if (detail.isEmpty()) detail = status.getReason();
    return Problems.body(
        status,
        typeOf(status),
        status.getReason(),
        detail,
        context.getRequest().getPath(),
        errors,
        Map.of());
  }

  private static String typeOf(HttpStatus status) {
    return switch (status) {
      case BAD_REQUEST -> "bad-request";
      case UNAUTHORIZED -> "unauthenticated";
      case FORBIDDEN -> "forbidden";
      case NOT_FOUND -> "not-found";
      case METHOD_NOT_ALLOWED -> "method-not-allowed";
      case UNSUPPORTED_MEDIA_TYPE -> "unsupported-media-type";
      case UNPROCESSABLE_ENTITY -> "invalid-request";
      default -> status.getCode() >= 500 ? "internal-error" : "http-" + status.getCode();
    };
  }

  /**
   * A conversion failure's message ends with {@code " due to: "} and its cause's text, e.g. {@code
   * No enum constant io.micronaut...HealthCheckType.bogus}: Java class names, not the caller's
   * business. What is left names the argument and the value.
   */
  static String withoutCause(String message) {
    if (message == null) return null;
    int cause = message.indexOf(" due to: ");
    return cause < 0 ? message : message.substring(0, cause);
  }

  /**
   * Drops the leading method and parameter segments Micronaut's validation adds ({@code
   * method.param.}) so the field is the JSON path inside the body; a bare parameter keeps its name.
   */
  static String fieldOf(String path) {
    String[] parts = path.split("\\.");
    if (parts.length <= 2) return parts[parts.length - 1];
    return String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length));
  }
}
