package io.stockflow.api;

import io.stockflow.api.security.ApiKeyAuthenticationFetcher;
import io.swagger.v3.oas.annotations.OpenAPIDefinition;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeIn;
import io.swagger.v3.oas.annotations.enums.SecuritySchemeType;
import io.swagger.v3.oas.annotations.info.Info;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.security.SecurityScheme;

/**
 * The OpenAPI document's header, read at compile time by micronaut-openapi (the generated spec is
 * served at {@code /swagger/stockflow-api-0.1.yml}, the UI at {@code /swagger-ui/}). Every
 * operation requires the {@value ApiKeyAuthenticationFetcher#HEADER} header unless it says
 * otherwise.
 */
@OpenAPIDefinition(
    info =
        @Info(
            title = "stockflow-api",
            version = "0.1",
            description =
                "Inventory, reservations that never oversell, orders and ops. Errors are"
                    + " application/problem+json (RFC 9457). Every POST accepts an"
                    + " Idempotency-Key header."),
    security = @SecurityRequirement(name = "apiKey"))
@SecurityScheme(
    name = "apiKey",
    type = SecuritySchemeType.APIKEY,
    in = SecuritySchemeIn.HEADER,
    paramName = ApiKeyAuthenticationFetcher.HEADER,
    description = "An API key from stockflow.api.keys; its roles are channel, associate and/or ops")
public interface ApiDefinition {}
