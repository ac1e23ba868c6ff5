package io.stockflow.api.security;

import io.micronaut.core.annotation.AnnotationMetadata;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.http.HttpRequest;
import io.micronaut.management.endpoint.annotation.Endpoint;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.rules.SecurityRule;
import io.micronaut.security.rules.SecurityRuleResult;
import io.micronaut.web.router.RouteAttributes;
import io.micronaut.web.router.RouteMatch;
import jakarta.inject.Singleton;
import java.util.Optional;
import org.reactivestreams.Publisher;

/**
 * Access to the paths that are not controllers of this module, decided in code so every role that
 * embeds the API gets the same rules without copying configuration: the {@code health} management
 * endpoint ({@code /health}, {@code /health/liveness}, {@code /health/readiness}) is public (load
 * balancers and probes call it), the OpenAPI document and Swagger UI ({@code /swagger/**}, {@code
 * /swagger-ui/**}) are public documentation, the ops console's static files ({@code /console/**},
 * served by the platform; every call the page makes needs a key) are public, and every other
 * management endpoint ({@code /prometheus}, and any a deployment switches on) needs the {@code ops}
 * role. An authenticated request for a path no route serves is let through to answer 404.
 * Everything else is left to {@code @Secured} on the controllers.
 *
 * <p>Management endpoints are recognised by the route the router matched, not by the request's path
 * text: whatever spelling reaches an endpoint ({@code /prometheus/}, ...) gets that endpoint's
 * rule, and a spelling the router does not serve ({@code //prometheus}, {@code /%70rometheus}) has
 * no route and reaches nothing. Micronaut's own {@code SensitiveEndpointRule} never decides for an
 * endpoint (it would answer 500 to any authenticated caller: it must be replaced to be usable).
 */
@Singleton
public class PlatformPathsRule implements SecurityRule<HttpRequest<?>> {
  /** Runs before Micronaut's own rules, which would otherwise allow any authenticated caller. */
  public static final int ORDER = -1000;

  /** The id of the public management endpoint. */
  static final String HEALTH = "health";

  @Override
  public Publisher<SecurityRuleResult> check(HttpRequest<?> request, Authentication auth) {
    Optional<RouteMatch<?>> route = RouteAttributes.getRouteMatch(request);
    Optional<String> endpoint = route.flatMap(PlatformPathsRule::endpointId);
    if (endpoint.isPresent()) {
      if (endpoint.get().equals(HEALTH)) return Publishers.just(SecurityRuleResult.ALLOWED);
      boolean ops = auth != null && auth.getRoles().contains(Roles.OPS);
      return Publishers.just(ops ? SecurityRuleResult.ALLOWED : SecurityRuleResult.REJECTED);
    }
    String path = request.getPath();
    if (path.startsWith("/swagger/") || path.startsWith("/swagger-ui/")) {
      return Publishers.just(SecurityRuleResult.ALLOWED);
    }
    if ((path.equals("/console") || path.startsWith("/console/")) && route.isEmpty()) {
      // The ops console's static files: they hold no data, and the page asks for a key itself.
      return Publishers.just(SecurityRuleResult.ALLOWED);
    }
    if (auth != null && route.isEmpty()) {
      // An authenticated caller asking for a path that does not exist should hear 404, not 403;
      // an anonymous one still gets 401, so the set of routes is not revealed.
      return Publishers.just(SecurityRuleResult.ALLOWED);
    }
    return Publishers.just(SecurityRuleResult.UNKNOWN);
  }

  /**
   * The management endpoint serving {@code route} ({@code @Endpoint("health")}: health), if any.
   */
  private static Optional<String> endpointId(RouteMatch<?> route) {
    // A method's metadata includes its class's annotations, where @Endpoint sits.
    AnnotationMetadata metadata = route.getAnnotationMetadata();
    if (!metadata.hasStereotype(Endpoint.class)) return Optional.empty();
    return metadata
        .stringValue(Endpoint.class)
        .or(() -> metadata.stringValue(Endpoint.class, "id"))
        // An endpoint without a readable id is treated like any non-public endpoint.
        .or(() -> Optional.of(""));
  }

  @Override
  public int getOrder() {
    return ORDER;
  }
}
