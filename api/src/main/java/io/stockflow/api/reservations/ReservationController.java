package io.stockflow.api.reservations;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.stockflow.api.idempotency.Idempotency;
import io.stockflow.api.security.Roles;
import io.stockflow.db.Transactions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

/** Checkout holds: reserve a cart, confirm it, release it. Roles: channel, ops. */
@Controller("/reservations")
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Secured({Roles.CHANNEL, Roles.OPS})
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Reservations")
public class ReservationController {
  private final ReservationService reservations;
  private final Idempotency idempotency;
  private final Transactions transactions;

  public ReservationController(
      ReservationService reservations, Idempotency idempotency, Transactions transactions) {
    this.reservations = reservations;
    this.idempotency = idempotency;
    this.transactions = transactions;
  }

  @Operation(
      summary = "Reserve a cart's lines, all or nothing",
      description =
          "201 with the reservations (one location for the whole cart, see README for the rule);"
              + " 200 when the same cart was already reserved with the same lines; 409"
              + " insufficient-stock listing unservable lines; 422 unknown-sku.")
  @Post
  public HttpResponse<?> reserve(
      @Body @Valid ReserveRequest request,
      @Nullable @Header(Idempotency.HEADER) String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /reservations",
        request,
        tx -> {
          ReservationService.Outcome o = reservations.reserve(tx, request);
          return o.created()
              ? HttpResponse.created(o.reservation())
              : HttpResponse.ok(o.reservation());
        });
  }

  @Operation(summary = "A cart's reservations")
  @Get("/{cartId}")
  public CartReservation get(@PathVariable String cartId) {
    return reservations.get(transactions.dsl(), cartId);
  }

  @Operation(
      summary = "Confirm a cart: reserved becomes allocated",
      description = "Idempotent. 409 reservation-expired / reservation-not-active.")
  @Post("/{cartId}/confirm")
  public HttpResponse<?> confirm(
      @PathVariable String cartId,
      @Nullable @Header(Idempotency.HEADER) String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /reservations/" + cartId + "/confirm",
        null,
        tx -> HttpResponse.ok(reservations.confirm(tx, cartId)));
  }

  @Operation(
      summary = "Release a cart: reserved stock becomes available again",
      description = "Idempotent. 409 reservation-confirmed if already confirmed.")
  @Post("/{cartId}/release")
  public HttpResponse<?> release(
      @PathVariable String cartId,
      @Nullable @Header(Idempotency.HEADER) String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /reservations/" + cartId + "/release",
        null,
        tx -> HttpResponse.ok(reservations.release(tx, cartId)));
  }
}
