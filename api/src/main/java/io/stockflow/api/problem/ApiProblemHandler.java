package io.stockflow.api.problem;

import io.micronaut.context.annotation.Requires;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import jakarta.inject.Singleton;

/** Renders every {@link ApiProblem} thrown by a controller or service as problem+json. */
@Singleton
@Produces
@Requires(classes = {ApiProblem.class, ExceptionHandler.class})
public class ApiProblemHandler implements ExceptionHandler<ApiProblem, HttpResponse<?>> {
  @Override
  public HttpResponse<?> handle(HttpRequest request, ApiProblem exception) {
    return Problems.response(request, exception);
  }
}
