package io.stockflow.api.security;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.filters.AuthenticationFetcher;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Authenticates a request by its {@value #HEADER} header against {@link ApiKeys}. A missing or
 * unknown key yields no authentication, so secured endpoints answer 401 and role mismatches 403.
 */
@Singleton
public class ApiKeyAuthenticationFetcher implements AuthenticationFetcher<HttpRequest<?>> {
  /** The request header carrying the API key. */
  public static final String HEADER = "X-API-Key";

  private final ApiKeys keys;

  public ApiKeyAuthenticationFetcher(ApiKeys keys) {
    this.keys = keys;
  }

  @Override
  public Publisher<Authentication> fetchAuthentication(HttpRequest<?> request) {
    return keys.find(request.getHeaders().get(HEADER))
        .map(c -> Publishers.just(Authentication.build(c.principal(), c.roles())))
        .orElseGet(Publishers::empty);
  }
}
