package io.stockflow.api.inventory;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.Put;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.micronaut.security.authentication.Authentication;
import io.stockflow.api.TextPatterns;
import io.stockflow.api.idempotency.Idempotency;
import io.stockflow.api.idempotency.IdempotencyKey;
import io.stockflow.api.inventory.InventoryViews.Availability;
import io.stockflow.api.inventory.InventoryViews.Level;
import io.stockflow.api.problem.ProblemResponses;
import io.stockflow.api.security.Roles;
import io.stockflow.db.Transactions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

/**
 * Inventory: availability (channel, associate, ops) and stock movements (associate, ops). Path SKUs
 * and locations that do not exist answer 404 naming which.
 */
@Controller("/inventory/{sku}")
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Secured({Roles.ASSOCIATE, Roles.OPS})
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Inventory")
@ProblemResponses.BadRequest
@ProblemResponses.Unauthorized
public class InventoryController {
  private final InventoryService inventory;
  private final Idempotency idempotency;
  private final Transactions transactions;

  public InventoryController(
      InventoryService inventory, Idempotency idempotency, Transactions transactions) {
    this.inventory = inventory;
    this.idempotency = idempotency;
    this.transactions = transactions;
  }

  @Operation(
      summary = "Availability of a SKU: total, per region and location, status and message",
      description =
          "status from availableToSell (available minus safety stock): 0 out_of_stock, up to"
              + " stockflow.availability.low-stock-threshold low_stock ('Only N left'), else"
              + " in_stock.")
  @ProblemResponses.NotFound
  @Get
  @Secured({Roles.CHANNEL, Roles.ASSOCIATE, Roles.OPS})
  public Availability availability(@PathVariable @TextPatterns.NoNul String sku) {
    return inventory.availability(transactions.dsl(), sku);
  }

  @Operation(summary = "One (sku, location) row")
  @ProblemResponses.Forbidden
  @ProblemResponses.NotFound
  @Get("/locations/{locationId}")
  public Level level(
      @PathVariable @TextPatterns.NoNul String sku,
      @PathVariable @TextPatterns.NoNul String locationId) {
    return inventory.level(transactions.dsl(), sku, locationId);
  }

  @Operation(summary = "Receive stock (optionally against a purchase order)")
  @ApiResponse(responseCode = "200", description = "the row after the receipt")
  @Schema(implementation = Level.class)
  @ProblemResponses.Change
  @Post("/locations/{locationId}/receipts")
  public HttpResponse<?> receive(
      @PathVariable @TextPatterns.NoNul String sku,
      @PathVariable @TextPatterns.NoNul String locationId,
      @Body @Valid InventoryRequests.Receipt receipt,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /inventory/" + sku + "/locations/" + locationId + "/receipts",
        receipt,
        tx -> HttpResponse.ok(inventory.receive(tx, sku, locationId, receipt, caller.getName())));
  }

  @Operation(summary = "Cycle count: set on_hand to the counted figure, record variance and reason")
  @ApiResponse(responseCode = "200", description = "the variance and the row after the count")
  @Schema(implementation = InventoryViews.CycleCountResult.class)
  @ProblemResponses.Change
  @Post("/locations/{locationId}/cycle-counts")
  public HttpResponse<?> cycleCount(
      @PathVariable @TextPatterns.NoNul String sku,
      @PathVariable @TextPatterns.NoNul String locationId,
      @Body @Valid InventoryRequests.CycleCount count,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /inventory/" + sku + "/locations/" + locationId + "/cycle-counts",
        count,
        tx -> HttpResponse.ok(inventory.cycleCount(tx, sku, locationId, count, caller.getName())));
  }

  @Operation(summary = "Report damage: available units move from on_hand to damaged")
  @ApiResponse(responseCode = "200", description = "the row after the damage")
  @Schema(implementation = Level.class)
  @ProblemResponses.Change
  @Post("/locations/{locationId}/damage")
  public HttpResponse<?> damage(
      @PathVariable @TextPatterns.NoNul String sku,
      @PathVariable @TextPatterns.NoNul String locationId,
      @Body @Valid InventoryRequests.Damage damage,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /inventory/" + sku + "/locations/" + locationId + "/damage",
        damage,
        tx -> HttpResponse.ok(inventory.damage(tx, sku, locationId, damage, caller.getName())));
  }

  @Operation(summary = "Ship a transfer out: source on_hand becomes in transit to the destination")
  @ApiResponse(responseCode = "200", description = "both rows after the transfer")
  @Schema(implementation = InventoryViews.TransferResult.class)
  @ProblemResponses.Change
  @Post("/transfers")
  public HttpResponse<?> transferOut(
      @PathVariable @TextPatterns.NoNul String sku,
      @Body @Valid InventoryRequests.Transfer transfer,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /inventory/" + sku + "/transfers",
        transfer,
        tx -> HttpResponse.ok(inventory.transferOut(tx, sku, transfer, caller.getName())));
  }

  @Operation(summary = "A transfer arrived: in-transit units become on_hand at the destination")
  @ApiResponse(responseCode = "200", description = "both rows after the arrival")
  @Schema(implementation = InventoryViews.TransferResult.class)
  @ProblemResponses.Change
  @Post("/transfers/arrivals")
  public HttpResponse<?> transferIn(
      @PathVariable @TextPatterns.NoNul String sku,
      @Body @Valid InventoryRequests.Transfer transfer,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /inventory/" + sku + "/transfers/arrivals",
        transfer,
        tx -> HttpResponse.ok(inventory.transferIn(tx, sku, transfer, caller.getName())));
  }

  @Operation(summary = "Set reorder point, safety stock and max stock (idempotent PUT)")
  @ProblemResponses.Change
  @Put("/locations/{locationId}/thresholds")
  public Level thresholds(
      @PathVariable @TextPatterns.NoNul String sku,
      @PathVariable @TextPatterns.NoNul String locationId,
      @Body @Valid InventoryRequests.Thresholds thresholds) {
    return transactions.run(tx -> inventory.thresholds(tx, sku, locationId, thresholds));
  }
}
