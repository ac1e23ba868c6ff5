package io.stockflow.api.problem;

import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;
import java.util.List;

/**
 * The shape of every error body ({@link Problems#body}), for the OpenAPI document only: the
 * component {@code Problem} that every documented 4xx/5xx response of {@link ProblemResponses}
 * refers to. The server builds the body as a map, so problem-specific members ({@code constraint},
 * {@code unservableLines}, {@code retryAfterSeconds}, …) are additional properties.
 */
@Schema(
    name = "Problem",
    description =
        "RFC 9457 problem details; problem-specific members (e.g. constraint, unservableLines,"
            + " from/to/allowed, retryAfterSeconds) may follow.")
public record ProblemDocument(
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description = "https://stockflow.io/problems/<slug>; clients switch on the slug",
            example = "https://stockflow.io/problems/sku-not-found")
        String type,
    @Schema(requiredMode = Schema.RequiredMode.REQUIRED, example = "Not found") String title,
    @Schema(
            requiredMode = Schema.RequiredMode.REQUIRED,
            description = "the HTTP status code",
            minimum = "400",
            maximum = "599")
        int status,
    @Nullable @Schema(example = "sku 'NO-SUCH-SKU' does not exist") String detail,
    @Nullable @Schema(description = "the request path", example = "/inventory/NO-SUCH-SKU")
        String instance,
    @Nullable @Schema(description = "each invalid input: its body path or parameter, and why")
        List<ApiProblem.FieldError> errors) {}
