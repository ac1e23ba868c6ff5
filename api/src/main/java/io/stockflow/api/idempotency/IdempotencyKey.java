package io.stockflow.api.idempotency;

import static java.lang.annotation.ElementType.PARAMETER;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.micronaut.http.annotation.Header;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.media.Schema;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * Binds the {@value Idempotency#HEADER} request header to a controller parameter and describes it
 * in the OpenAPI document, the same for every operation that passes it to {@link Idempotency}. The
 * header is optional: annotate the parameter {@code @Nullable} as well.
 *
 * <p>Micronaut binds the parameter through the {@code @Header} this carries. micronaut-openapi does
 * not take a carried {@code @Header} for a header (it looks for one declared on the parameter and
 * would describe a body property instead), so the {@code @Parameter} names the header and where it
 * is itself.
 */
@Documented
@Retention(RUNTIME)
@Target(PARAMETER)
@Header(Idempotency.HEADER)
@Parameter(
    name = Idempotency.HEADER,
    in = ParameterIn.HEADER,
    description = Idempotency.DESCRIPTION,
    schema = @Schema(minLength = 1, maxLength = Idempotency.MAX_KEY_LENGTH))
public @interface IdempotencyKey {}
