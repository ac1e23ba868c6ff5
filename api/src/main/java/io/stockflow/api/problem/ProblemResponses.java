package io.stockflow.api.problem;

import static java.lang.annotation.ElementType.METHOD;
import static java.lang.annotation.ElementType.TYPE;
import static java.lang.annotation.RetentionPolicy.RUNTIME;

import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.lang.annotation.Documented;
import java.lang.annotation.Retention;
import java.lang.annotation.Target;

/**
 * The error responses of the OpenAPI document, one annotation per status: put on a controller (all
 * its operations) or an operation, each adds that status with an {@code application/problem+json}
 * body of the {@link ProblemDocument Problem} schema. micronaut-openapi reads them as the {@link
 * ApiResponse} they carry, so a status is described once here and cannot be spelt differently on
 * two operations. An operation documents exactly the statuses it can answer; the contract test
 * (schemathesis, deploy/platform ApiContractIT) fails on any other.
 */
public final class ProblemResponses {
  private ProblemResponses() {}

  /** The media type of every error body (RFC 9457). */
  public static final String MEDIA_TYPE = "application/problem+json";

  /** Malformed JSON, a value of the wrong type, bean validation, an out-of-range parameter. */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, TYPE})
  @ApiResponse(
      responseCode = "400",
      description =
          "bad-request (unreadable JSON, unconvertible value) or invalid-request (validation;"
              + " errors[] names each field)",
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema = @Schema(implementation = ProblemDocument.class)))
  public @interface BadRequest {}

  /** No {@code X-API-Key}, or an unknown one. */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, TYPE})
  @ApiResponse(
      responseCode = "401",
      description = "unauthenticated: no X-API-Key header, or an unknown key",
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema = @Schema(implementation = ProblemDocument.class)))
  public @interface Unauthorized {}

  /** The key lacks the role the operation needs. */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, TYPE})
  @ApiResponse(
      responseCode = "403",
      description = "forbidden: the key does not hold a role this operation needs",
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema = @Schema(implementation = ProblemDocument.class)))
  public @interface Forbidden {}

  /** What the path names does not exist (or is another caller's). */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, TYPE})
  @ApiResponse(
      responseCode = "404",
      description =
          "<thing>-not-found: what the path (or the body's cart) names does not exist, or belongs"
              + " to another channel",
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema = @Schema(implementation = ProblemDocument.class)))
  public @interface NotFound {}

  /** The request conflicts with the current state (or a database constraint). */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, TYPE})
  @ApiResponse(
      responseCode = "409",
      description =
          "the request conflicts with the current state (e.g. insufficient-stock,"
              + " illegal-transition, constraint-violation); nothing was changed",
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema = @Schema(implementation = ProblemDocument.class)))
  public @interface Conflict {}

  /** Well-formed, but names unknown things, is inconsistent, or reuses an Idempotency-Key. */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, TYPE})
  @ApiResponse(
      responseCode = "422",
      description =
          "a well-formed request the server cannot act on: it names unknown things (unknown-sku,"
              + " unknown-reference), its values contradict each other (invalid-request), or its"
              + " Idempotency-Key was used with another request (idempotency-key-reused)",
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema = @Schema(implementation = ProblemDocument.class)))
  public @interface Unprocessable {}

  /** Too many reservations already wait for the same row on this instance. */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, TYPE})
  @ApiResponse(
      responseCode = "429",
      description =
          "too-many-requests: not admitted, nothing was done; send it again after Retry-After"
              + " seconds",
      headers =
          @Header(
              name = "Retry-After",
              description = "seconds to wait",
              schema = @Schema(type = "integer", minimum = "0")),
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema = @Schema(implementation = ProblemDocument.class)))
  public @interface TooManyRequests {}

  /** An ops operation on an instance without the changefeed consumer framework. */
  @Documented
  @Retention(RUNTIME)
  @Target({METHOD, TYPE})
  @ApiResponse(
      responseCode = "503",
      description = "ops-backend-unavailable: this instance runs without the changefeed consumer",
      content =
          @Content(
              mediaType = MEDIA_TYPE,
              schema = @Schema(implementation = ProblemDocument.class)))
  public @interface Unavailable {}

  /**
   * The refusals of an operation that changes what its path (or its body) names, for a caller whose
   * role may not be enough: {@link Forbidden}, {@link NotFound}, {@link Conflict} and {@link
   * Unprocessable}, in that order.
   */
  @Documented
  @Retention(RUNTIME)
  @Target(METHOD)
  @Forbidden
  @NotFound
  @Conflict
  @Unprocessable
  public @interface Change {}
}
