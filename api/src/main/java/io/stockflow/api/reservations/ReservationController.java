package io.stockflow.api.reservations;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.stockflow.api.TextPatterns;
import io.stockflow.api.idempotency.Idempotency;
import io.stockflow.api.idempotency.IdempotencyKey;
import io.stockflow.api.ownership.Requester;
import io.stockflow.api.problem.ApiProblem;
import io.stockflow.api.problem.ProblemResponses;
import io.stockflow.api.problem.Problems;
import io.stockflow.api.security.Roles;
import io.stockflow.db.Transactions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import org.jooq.DSLContext;

/**
 * Checkout holds: reserve a cart, confirm it, release it. Roles: channel, ops. A cart belongs to
 * the caller that reserved it: for any other channel caller it does not exist (404); ops reach
 * every cart (see {@link Requester}).
 */
@Controller("/reservations")
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Secured({Roles.CHANNEL, Roles.OPS})
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Reservations")
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
public class ReservationController {
  private final ReservationService reservations;
  private final Idempotency idempotency;
  private final Transactions transactions;
  private final ReservationBatcher batcher;
  private final ReservationsConfiguration config;

  private static final String OPERATION = "POST /reservations";

  /**
   * Group-commit attempts of one request before it falls back to its own transaction (which tries
   * every candidate location under the locks): bounds the work when stock moves between locations.
   */
  private static final int MAX_LAPS = 3;

  public ReservationController(
      ReservationService reservations,
      Idempotency idempotency,
      Transactions transactions,
      ReservationBatcher batcher,
      ReservationsConfiguration config) {
    this.reservations = reservations;
    this.idempotency = idempotency;
    this.transactions = transactions;
    this.batcher = batcher;
    this.config = config;
  }

  @Operation(
      summary = "Reserve a cart's lines, all or nothing",
      description =
          "201 with the reservations (one location for the whole cart, see README for the rule);"
              + " 200 when the same cart was already reserved with the same lines; 409"
              + " insufficient-stock listing unservable lines, or purchase-limit-exceeded; 422"
              + " unknown-sku; 429 with Retry-After when too many requests already wait for the"
              + " same SKU and location.")
  @ApiResponse(
      responseCode = "201",
      description = "reserved: every line at one location",
      useReturnTypeSchema = true)
  @ApiResponse(
      responseCode = "200",
      description = "the cart was already reserved with these lines: its reservations")
  @Schema(implementation = CartReservation.class)
  @ProblemResponses.Conflict
  @ProblemResponses.Unprocessable
  @ProblemResponses.TooManyRequests
  @Post
  public HttpResponse<?> reserve(
      @Body @Valid ReserveRequest request,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller,
      HttpRequest<?> httpRequest) {
    Idempotency.validateKey(idempotencyKey);
    String principal = caller.getName();
    Requester requester = Requester.forCarts(caller);
    // A committed read, no lock: refuse a sold-out cart at once (see ReservationService#soldOut for
    // why that is exact) and pick the location a single-line cart queues for.
    ReservationService.Preflight pre =
        reservations.preflight(
            transactions.dsl(),
            request,
            idempotency.stored(transactions.dsl(), principal, idempotencyKey));
    for (int lap = 1; ; lap++) {
      ApiProblem soldOut = reservations.soldOut(request, pre);
      // Returned, not thrown: the same problem+json, without Micronaut's exception-handler lookup,
      // which a profile of a flash sale (mostly refusals) showed among the costs of a refusal.
      if (soldOut != null) return Problems.response(httpRequest, soldOut);
      // Multi-line carts keep one transaction each (atomic across rows, rows locked in (sku,
      // location) order); so do replays, known carts and unknown SKUs, whose answer is not a hold.
      if (!config.groupCommit() || request.lines().size() != 1 || !pre.fresh() || lap > MAX_LAPS) {
        return reserveAlone(request, idempotencyKey, requester);
      }
      String location = pre.candidates().get(0);
      String hash = idempotency.fingerprint(OPERATION, request);
      ReservationBatcher.Result r =
          batcher.submit(
              new ReservationBatcher.Key(request.lines().get(0).sku(), location),
              new ReservationBatcher.Member(
                  request, principal, idempotencyKey, idempotencyKey == null ? null : hash),
              tx ->
                  idempotency.inTransaction(
                      tx,
                      principal,
                      idempotencyKey,
                      idempotencyKey == null ? null : hash,
                      t -> created(reservations.reserveAt(t, request, location, requester))));
      switch (r.kind()) {
        case DONE:
          return r.response();
        case FAILED:
          throw r.error();
        case ALONE:
          return reserveAlone(request, idempotencyKey, requester);
        case NOT_HERE:
          // The stock went while we queued: look again (a committed read); either another
          // location has some, or this is a sold-out refusal like any other.
          pre =
              reservations.preflight(
                  transactions.dsl(),
                  request,
                  idempotency.stored(transactions.dsl(), principal, idempotencyKey));
          break;
        default:
          throw new IllegalStateException(r.kind().name());
      }
    }
  }

  /** One transaction for this cart alone: the path of multi-line carts. */
  private HttpResponse<?> reserveAlone(
      ReserveRequest request, String idempotencyKey, Requester requester) {
    return idempotency.run(
        requester.principal(),
        idempotencyKey,
        OPERATION,
        request,
        tx -> created(reservations.reserve(tx, request, requester)));
  }

  private static MutableHttpResponse<?> created(ReservationService.Outcome o) {
    return o.created() ? HttpResponse.created(o.reservation()) : HttpResponse.ok(o.reservation());
  }

  @Operation(
      summary = "A cart's reservations",
      description = "404 if the cart does not exist or belongs to another caller.")
  @ProblemResponses.NotFound
  @Get("/{cartId}")
  public CartReservation get(
      @PathVariable @TextPatterns.NoNul String cartId, Authentication caller) {
    return reservations.get(transactions.dsl(), cartId, Requester.forCarts(caller));
  }

  @Operation(
      summary = "Confirm a cart: reserved becomes allocated",
      description =
          "Idempotent. 409 reservation-expired / reservation-not-active; 404 if the cart does"
              + " not exist or belongs to another caller.")
  @ApiResponse(responseCode = "200", description = "confirmed (or already so)")
  @Schema(implementation = CartReservation.class)
  @ProblemResponses.NotFound
  @ProblemResponses.Conflict
  @ProblemResponses.Unprocessable
  @Post("/{cartId}/confirm")
  public HttpResponse<?> confirm(
      @PathVariable @TextPatterns.NoNul String cartId,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return settle(cartId, "confirm", idempotencyKey, caller, reservations::confirm);
  }

  @Operation(
      summary = "Release a cart: reserved stock becomes available again",
      description =
          "Idempotent. 409 reservation-confirmed if already confirmed; 404 if the cart does not"
              + " exist or belongs to another caller.")
  @ApiResponse(responseCode = "200", description = "released (or already so)")
  @Schema(implementation = CartReservation.class)
  @ProblemResponses.NotFound
  @ProblemResponses.Conflict
  @ProblemResponses.Unprocessable
  @Post("/{cartId}/release")
  public HttpResponse<?> release(
      @PathVariable @TextPatterns.NoNul String cartId,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return settle(cartId, "release", idempotencyKey, caller, reservations::release);
  }

  /**
   * Confirm or release ({@code step}) the cart as {@code caller} may see it, in one transaction,
   * once per Idempotency-Key (the request has no body: the path is all of it).
   */
  private HttpResponse<?> settle(
      String cartId, String step, String idempotencyKey, Authentication caller, CartStep work) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /reservations/" + cartId + "/" + step,
        null,
        tx -> HttpResponse.ok(work.apply(tx, cartId, Requester.forCarts(caller))));
  }

  /** {@link ReservationService#confirm} or {@link ReservationService#release}. */
  @FunctionalInterface
  private interface CartStep {
    CartReservation apply(DSLContext tx, String cartId, Requester requester);
  }
}
