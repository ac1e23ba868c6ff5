package io.stockflow.api.orders;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.stockflow.api.idempotency.Idempotency;
import io.stockflow.api.idempotency.IdempotencyKey;
import io.stockflow.api.ownership.Requester;
import io.stockflow.api.problem.ProblemResponses;
import io.stockflow.api.security.Roles;
import io.stockflow.db.Transactions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import java.util.UUID;

/**
 * Orders: channels create, confirm and cancel their own (another channel's order answers 404, as if
 * it did not exist); associates read every order and pick, pack, ship and deliver it; ops may do
 * all to any order.
 */
@Controller("/orders")
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Secured({Roles.CHANNEL, Roles.ASSOCIATE, Roles.OPS})
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Orders")
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
public class OrderController {
  private final OrderService orders;
  private final Idempotency idempotency;
  private final Transactions transactions;

  public OrderController(OrderService orders, Idempotency idempotency, Transactions transactions) {
    this.orders = orders;
    this.idempotency = idempotency;
    this.transactions = transactions;
  }

  @Operation(
      summary = "Create the order of a cart whose reservations are confirmed",
      description =
          "201 created; 200 if the cart already has its order; 409 if not confirmed; 404 if the"
              + " cart does not exist or is another caller's.")
  @ApiResponse(
      responseCode = "201",
      description = "the order, created now",
      useReturnTypeSchema = true)
  @ApiResponse(responseCode = "200", description = "the cart already had its order: that order")
  @Schema(implementation = OrderView.class)
  @ProblemResponses.Change
  @Post
  @Secured({Roles.CHANNEL, Roles.OPS})
  public HttpResponse<?> create(
      @Body @Valid OrderRequests.Create request,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /orders",
        request,
        tx -> {
          OrderService.Outcome o = orders.create(tx, request, Requester.forCarts(caller));
          return o.created() ? HttpResponse.created(o.order()) : HttpResponse.ok(o.order());
        });
  }

  @Operation(
      summary = "An order and its lines",
      description = "404 if it does not exist or is another channel's.")
  @ProblemResponses.NotFound
  @Get("/{id}")
  public OrderView get(@PathVariable UUID id, Authentication caller) {
    return orders.get(transactions.dsl(), id, Requester.forOrders(caller));
  }

  @Operation(
      summary = "Move an order along its lifecycle",
      description =
          "pending → confirmed → picked → packed → shipped → delivered; cancelled from pending,"
              + " confirmed, picked or packed. Shipping consumes allocated and on_hand;"
              + " cancelling releases allocated. 409 illegal-transition names from and to.")
  @ApiResponse(
      responseCode = "200",
      description = "the order in its new status (or unchanged if it had it already)")
  @Schema(implementation = OrderView.class)
  @ProblemResponses.Change
  @Post("/{id}/transitions")
  public HttpResponse<?> transition(
      @PathVariable UUID id,
      @Body @Valid OrderRequests.Transition request,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /orders/" + id + "/transitions",
        request,
        tx ->
            HttpResponse.ok(
                orders.transition(
                    tx, id, request, caller.getRoles(), Requester.forOrders(caller))));
  }
}
