package io.stockflow.api;

import io.stockflow.api.security.ApiKeyAuthenticationFetcher;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/**
 * The OpenAPI document's header, read at compile time by micronaut-openapi, which writes the
 * document to {@code META-INF/swagger/}{@value #SPEC_FILE}{@code .yml}; {@link
 * OpenApiDocumentController} serves it as YAML and JSON, the UI is at {@code /swagger-ui/}. Every
 * operation requires the {@value ApiKeyAuthenticationFetcher#HEADER} header (security scheme
 * {@value #SECURITY_SCHEME}); error responses are described by {@link
 * io.stockflow.api.problem.ProblemResponses}.
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = ApiDefinition.TITLE,
            version = ApiDefinition.VERSION,
            description =
                "Inventory, reservations that never oversell, orders and ops. Errors are"
                    + " application/problem+json (RFC 9457). Every POST accepts an"
                    + " Idempotency-Key header."),
    security = @SecurityRequirement(name = ApiDefinition.SECURITY_SCHEME))
@SecurityScheme(
    name = ApiDefinition.SECURITY_SCHEME,
    type = SecuritySchemeType.APIKEY,
    in = SecuritySchemeIn.HEADER,
    paramName = ApiKeyAuthenticationFetcher.HEADER,
    description = "An API key from stockflow.api.keys; its roles are channel, associate and/or ops")
public interface ApiDefinition {
  String TITLE = "stockflow-api";
  String VERSION = "0.1";

  /** The document's file name without extension, as micronaut-openapi derives it. */
  String SPEC_FILE = TITLE + "-" + VERSION;

  String SECURITY_SCHEME = "apiKey";
}
