package io.stockflow.api.reservations;

import static io.stockflow.db.jooq.Tables.PURCHASE_LIMITS;
import static io.stockflow.db.jooq.Tables.SKUS;

import com.fasterxml.jackson.databind.annotation.JsonDeserialize;
import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Delete;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.stockflow.api.TextPatterns;
import io.stockflow.api.idempotency.Idempotency;
import io.stockflow.api.idempotency.IdempotencyKey;
import io.stockflow.api.problem.ApiProblem;
import io.stockflow.api.problem.ProblemResponses;
import io.stockflow.api.security.Roles;
import io.stockflow.db.Transactions;
import io.stockflow.db.jooq.tables.records.PurchaseLimitsRecord;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Positive;
import java.time.Instant;
import java.time.OffsetDateTime;

/**
 * Flash-sale controls per SKU, stored in the database so every API instance applies the same:
 * {@code purchase_limits.max_per_customer} caps the units one {@code customerRef} may hold (active
 * or confirmed reservations) of the SKU. Enforced in the reserve transaction; see {@link
 * ReservationService}. Ops only.
 */
@Controller("/ops/purchase-limits")
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Secured(Roles.OPS)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Ops")
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
public class PurchaseLimitController {
  /** More than any single customer can sensibly buy; beyond it a limit is a typo. */
  static final long MAX_LIMIT = 1_000_000;

  private final Transactions transactions;
  private final Idempotency idempotency;

  public PurchaseLimitController(Transactions transactions, Idempotency idempotency) {
    this.transactions = transactions;
    this.idempotency = idempotency;
  }

  /** {@code PUT} body; whole numbers only ({@link WholeNumber}). */
  @Introspected
  @JsonDeserialize(using = WholeNumber.SetLimitDeserializer.class)
  public record SetLimit(@NotNull @Positive @Max(MAX_LIMIT) Long maxPerCustomer) {}

  /** A SKU's limit. */
  @Introspected
  public record Limit(String sku, long maxPerCustomer, String updatedBy, Instant updatedAt) {}

  @Operation(summary = "A SKU's per-customer purchase limit", description = "404 if none is set.")
  @ProblemResponses.NotFound
  @Get("/{sku}")
  public Limit get(@PathVariable @TextPatterns.NoNul String sku) {
    PurchaseLimitsRecord r =
        transactions
            .dsl()
            .selectFrom(PURCHASE_LIMITS)
            .where(PURCHASE_LIMITS.SKU.eq(sku))
            .fetchOne();
    if (r == null) throw ApiProblem.notFound("purchase limit", sku);
    return view(r);
  }

  @Operation(
      summary = "Set a SKU's per-customer purchase limit",
      description =
          "`{maxPerCustomer}` 1..1,000,000 whole units (400 otherwise); 404 sku-not-found."
              + " Applies to reservations made from now on; existing holds are kept.")
  @ApiResponse(responseCode = "200", description = "the limit now in force")
  @Schema(implementation = Limit.class)
  @ProblemResponses.NotFound
  @ProblemResponses.Unprocessable
  @Put("/{sku}")
  public HttpResponse<?> put(
      @PathVariable @TextPatterns.NoNul String sku,
      @Body @Valid SetLimit body,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "PUT /ops/purchase-limits/" + sku,
        body,
        tx -> {
          if (!tx.fetchExists(SKUS, SKUS.SKU.eq(sku))) throw ApiProblem.notFound("sku", sku);
          OffsetDateTime now = OffsetDateTime.now();
          tx.insertInto(PURCHASE_LIMITS)
              .set(PURCHASE_LIMITS.SKU, sku)
              .set(PURCHASE_LIMITS.MAX_PER_CUSTOMER, body.maxPerCustomer())
              .set(PURCHASE_LIMITS.UPDATED_BY, caller.getName())
              .set(PURCHASE_LIMITS.UPDATED_AT, now)
              .onConflict(PURCHASE_LIMITS.SKU)
              .doUpdate()
              .set(PURCHASE_LIMITS.MAX_PER_CUSTOMER, body.maxPerCustomer())
              .set(PURCHASE_LIMITS.UPDATED_BY, caller.getName())
              .set(PURCHASE_LIMITS.UPDATED_AT, now)
              .execute();
          return HttpResponse.ok(
              view(tx.selectFrom(PURCHASE_LIMITS).where(PURCHASE_LIMITS.SKU.eq(sku)).fetchOne()));
        });
  }

  @Operation(summary = "Remove a SKU's purchase limit", description = "Idempotent: 204 either way.")
  @ApiResponse(responseCode = "204", description = "no limit is set for the SKU now")
  @Delete("/{sku}")
  public HttpResponse<?> delete(@PathVariable @TextPatterns.NoNul String sku) {
    transactions.run(
        tx -> tx.deleteFrom(PURCHASE_LIMITS).where(PURCHASE_LIMITS.SKU.eq(sku)).execute());
    return HttpResponse.noContent();
  }

  private static Limit view(PurchaseLimitsRecord r) {
    return new Limit(
        r.getSku(), r.getMaxPerCustomer(), r.getUpdatedBy(), r.getUpdatedAt().toInstant());
  }
}
