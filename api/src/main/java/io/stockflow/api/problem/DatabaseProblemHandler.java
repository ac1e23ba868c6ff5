package io.stockflow.api.problem;

import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.exception.DataAccessException;
import org.postgresql.util.PSQLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Maps database constraint violations to problem+json. The services check what they can first and
 * answer with a precise reason; this handler is the backstop that keeps the database's constraints
 * (the real guarantee, e.g. {@code inventory_never_oversold}) visible to the caller by name instead
 * of as a 500. The transaction has rolled back by the time this runs, so nothing changed.
 *
 * <p>Of the database's error only the constraint's name reaches the caller: the server's message,
 * detail and hint quote table and column names, values and sometimes SQL, so they go to the log.
 */
@Singleton
@Produces
public class DatabaseProblemHandler
    implements ExceptionHandler<DataAccessException, HttpResponse<?>> {
  private static final Logger log = LoggerFactory.getLogger(DatabaseProblemHandler.class);
  private static final Pattern CONSTRAINT_IN_MESSAGE = Pattern.compile("constraint \"([^\"]+)\"");

  /**
   * What each named invariant means, so the problem detail says it in words: the API's own (its
   * JSON field names), never the database's table and column names.
   */
  private static final Map<String, String> MEANING =
      Map.of(
          "inventory_never_oversold", "allocated + reserved must not exceed onHand",
          "inventory_quantities_non_negative", "no inventory quantity may go below zero",
          "inventory_thresholds_valid",
              "thresholds must be >= 0 and maxStock must be 0 or >= reorderPoint",
          "orders_cart_unique", "a cart can become at most one order",
          "reservations_quantity_positive", "a reservation holds at least one unit");

  @Override
  public HttpResponse<?> handle(HttpRequest request, DataAccessException e) {
    String state = e.sqlState();
    String constraint = constraintName(e).orElse(null);
    ApiProblem problem =
        switch (state) {
          case "23514" -> violation(HttpStatus.CONFLICT, "constraint-violation", constraint);
          case "23505" -> violation(HttpStatus.CONFLICT, "duplicate", constraint);
          case "23503" ->
              violation(HttpStatus.UNPROCESSABLE_ENTITY, "unknown-reference", constraint);
            // 22021: text PostgreSQL cannot hold (U+0000); the API refuses it earlier, this is the
            // backstop for any text that slips through.
          case "23502", "22003", "22P02", "22021" ->
              // The server's message names tables and columns and quotes values: log only.
              new ApiProblem(
                  HttpStatus.UNPROCESSABLE_ENTITY,
                  "invalid-value",
                  "Invalid value",
                  "the database refused a value of the request (missing, out of range or malformed)",
                  List.of(),
                  Map.of());
          default -> null;
        };
    if (problem == null) {
      // Never echo SQL or driver internals to a caller; the log has them.
      log.error("database failure answering {} {}", request.getMethod(), request.getPath(), e);
      problem =
          new ApiProblem(
              HttpStatus.INTERNAL_SERVER_ERROR,
              "internal-error",
              "Internal error",
              "the database operation failed (SQLSTATE " + state + ")",
              List.of(),
              Map.of());
    } else {
      // The caller hears only the constraint's name; what the database said is kept here.
      log.debug("database refused {} {}", request.getMethod(), request.getPath(), e);
    }
    return Problems.response(request, problem);
  }

  private static ApiProblem violation(HttpStatus status, String type, String constraint) {
    String name = constraint == null ? "unknown" : constraint;
    String meaning = MEANING.getOrDefault(name, "the change conflicts with the stored data");
    return new ApiProblem(
        status,
        type,
        "Constraint violated",
        "the change would violate " + name + " (" + meaning + ")",
        List.of(),
        Map.of("constraint", name));
  }

  /** The violated constraint's name: from the server's error fields, else from its message. */
  static Optional<String> constraintName(Throwable e) {
    for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
      if (t instanceof PSQLException psql && psql.getServerErrorMessage() != null) {
        String c = psql.getServerErrorMessage().getConstraint();
        if (c != null && !c.isBlank()) return Optional.of(c);
      }
      if (t.getMessage() != null) {
        Matcher m = CONSTRAINT_IN_MESSAGE.matcher(t.getMessage());
        if (m.find()) return Optional.of(m.group(1));
      }
    }
    return Optional.empty();
  }
}
