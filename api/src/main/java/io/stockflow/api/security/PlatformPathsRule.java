package io.stockflow.api.security;

import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.web.router.RouteAttributes;
import jakarta.inject.Singleton;
import org.reactivestreams.Publisher;

/**
 * Access to the paths that are not controllers of this module, decided in code so every role that
 * embeds the API gets the same rules without copying configuration: {@code /health} is public (load
 * balancers probe it), the OpenAPI document and Swagger UI ({@code /swagger/**}, {@code
 * /swagger-ui/**}) are public documentation, and {@code /prometheus} needs the {@code ops} role. An
 * authenticated request for a path no route serves is let through to answer 404. Everything else is
 * left to {@code @Secured} on the controllers.
 */
@Singleton
public class PlatformPathsRule implements SecurityRule<HttpRequest<?>> {
  /** Runs before Micronaut's own rules, which would otherwise allow any authenticated caller. */
  public static final int ORDER = -1000;

  @Override
  public Publisher<SecurityRuleResult> check(HttpRequest<?> request, Authentication auth) {
    String path = request.getPath();
    if (path.equals("/health") || path.startsWith("/health/")) {
      return Publishers.just(SecurityRuleResult.ALLOWED);
    }
    if (path.startsWith("/swagger/") || path.startsWith("/swagger-ui/")) {
      return Publishers.just(SecurityRuleResult.ALLOWED);
    }
    if (path.equals("/prometheus")) {
      boolean ops = auth != null && auth.getRoles().contains(Roles.OPS);
      return Publishers.just(ops ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
    }
    if (auth != null && RouteAttributes.getRouteMatch(request).isEmpty()) {
      // An authenticated caller asking for a path that does not exist should hear 404, not 403;
      // an anonymous one still gets 401, so the set of routes is not revealed.
      return Publishers.just(SecurityRuleResult.ALLOWED);
    }
    return Publishers.just(SecurityRuleResult.UNKNOWN);
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
