package io.stockflow.api.problem;

import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.validation.exceptions.ConstraintExceptionHandler;
import jakarta.inject.Singleton;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.validation.ElementKind;
import jakarta.validation.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Bean-validation failures as a 400 problem whose {@code errors} name each field by its path in the
 * request body ({@code lines[0].quantity}) or its parameter name, with the reason. Replaces
 * Micronaut's handler, which only gives one joined message.
 */
@Singleton
@Produces
@Replaces(ConstraintExceptionHandler.class)
public class ValidationProblemHandler
    implements ExceptionHandler<ConstraintViolationException, HttpResponse<?>> {

  @Override
  public HttpResponse<?> handle(HttpRequest request, ConstraintViolationException e) {
    List<ApiProblem.FieldError> errors = new ArrayList<>();
    for (ConstraintViolation<?> v : e.getConstraintViolations()) {
      errors.add(new ApiProblem.FieldError(field(v.getPropertyPath()), v.getMessage()));
    }
    errors.sort(Comparator.comparing(ApiProblem.FieldError::field));
    String detail =
        String.join("; ", errors.stream().map(f -> f.field() + ": " + f.reason()).toList());
    return Problems.response(
        request,
        new ApiProblem(
            HttpStatus.BAD_REQUEST,
            "invalid-request",
            "Invalid request",
            detail,
            errors,
            Map.of()));
  }

  /**
   * The field as a client sees it: method and body-parameter nodes are dropped, container indexes
   * kept ({@code reserve.request.lines[0].quantity} becomes {@code lines[0].quantity}).
   */
  static String field(Path path) {
    List<Path.Node> nodes = new ArrayList<>();
    path.forEach(nodes::add);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < nodes.size(); i++) {
      Path.Node n = nodes.get(i);
      ElementKind kind = n.getKind();
      if (kind == ElementKind.METHOD || kind == ElementKind.CONSTRUCTOR) continue;
      boolean last = i == nodes.size() - 1;
      if (kind == ElementKind.PARAMETER && !last) continue; // the body parameter itself
      // A node inside a list carries the list index; it belongs after the list's name.
      if (n.isInIterable() && n.getIndex() != null) sb.append('[').append(n.getIndex()).append(']');
      if (kind == ElementKind.CONTAINER_ELEMENT || n.getName() == null) continue;
      if (!sb.isEmpty()) sb.append('.');
      sb.append(n.getName());
    }
    return sb.isEmpty() ? path.toString() : sb.toString();
  }
}
