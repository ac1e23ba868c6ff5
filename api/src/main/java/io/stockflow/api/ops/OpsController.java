package io.stockflow.api.ops;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
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
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Operations (role ops): replay rows through the changefeed, list and re-drive dead letters,
 * consumer and watermark status, pause/resume a subprocessor, acknowledge an alert. Replay is done
 * here against the database; the rest goes through {@link OpsBackend} and {@link
 * AlertAcknowledger}, which the platform provides.
 */
@Controller("/ops")
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Secured(Roles.OPS)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Ops")
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
public class OpsController {
  private final ReplayService replay;
  private final Idempotency idempotency;
  private final Optional<OpsBackend> backend;
  private final Optional<AlertAcknowledger> alerts;

  public OpsController(
      ReplayService replay,
      Idempotency idempotency,
      Optional<OpsBackend> backend,
      Optional<AlertAcknowledger> alerts) {
    this.replay = replay;
    this.idempotency = idempotency;
    this.backend = backend;
    this.alerts = alerts;
  }

  @Operation(
      summary = "Replay rows of a watched table by touching last_updated",
      description =
          "Filter by key (primary-key values in order) and/or column equality; all=true for the"
              + " whole table. Unknown table or column: 400 naming it.")
  @ApiResponse(responseCode = "200", description = "how many rows were touched (and so re-emitted)")
  @Schema(implementation = ReplayService.Result.class)
  @ProblemResponses.BadRequest
  @ProblemResponses.Unprocessable
  @Post("/replay")
  public HttpResponse<?> replay(
      @Body @Valid ReplayRequest request,
      @Nullable @IdempotencyKey String idempotencyKey,
      Authentication caller) {
    return idempotency.run(
        caller.getName(),
        idempotencyKey,
        "POST /ops/replay",
        request,
        tx -> HttpResponse.ok(replay.replay(tx, request)));
  }

  @Operation(summary = "Dead letters, newest first")
  @ProblemResponses.BadRequest
  @ProblemResponses.Unavailable
  @Get("/dead-letters{?subprocessor,status,limit}")
  public List<OpsModels.DeadLetter> deadLetters(
      @Nullable @QueryValue @TextPatterns.NoNul String subprocessor,
      @Nullable
          @QueryValue
          @Pattern(regexp = "pending|redriven|resolved")
          @Schema(allowableValues = {"pending", "redriven", "resolved"})
          String status,
      @QueryValue(defaultValue = "100") @Min(1) @Max(500) int limit) {
    return backend().deadLetters(subprocessor, status, limit);
  }

  @Operation(summary = "Re-drive a dead letter to its subprocessor")
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.Conflict
  @ProblemResponses.Unavailable
  @Post("/dead-letters/{id}/redrive")
  public OpsModels.RedriveResult redrive(@PathVariable UUID id) {
    OpsModels.RedriveResult result = backend().redrive(id);
    if (result.outcome() == OpsModels.RedriveResult.Outcome.NOT_FOUND) {
      throw ApiProblem.notFound("dead letter", id.toString());
    }
    if (result.outcome() == OpsModels.RedriveResult.Outcome.SUBPROCESSOR_NOT_CONFIGURED) {
      throw ApiProblem.conflict(
          "subprocessor-not-configured",
          "Subprocessor not configured",
          result.message(),
          Map.of("deadLetterId", id.toString()));
    }
    return result;
  }

  @Operation(summary = "Consumers, watermarks and subprocessors")
  @ProblemResponses.Unavailable
  @Get("/status")
  public OpsModels.ConsumerStatus status() {
    return backend().status();
  }

  @Operation(summary = "Pause a subprocessor (on every consumer instance)")
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.Unavailable
  @Post("/subprocessors/{name}/pause")
  public OpsModels.SwitchResult pause(@PathVariable @TextPatterns.NoNul String name) {
    return known(name, backend().pause(name));
  }

  @Operation(summary = "Resume a paused subprocessor")
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.Unavailable
  @Post("/subprocessors/{name}/resume")
  public OpsModels.SwitchResult resume(@PathVariable @TextPatterns.NoNul String name) {
    return known(name, backend().resume(name));
  }

  @Operation(summary = "Acknowledge an alert so it stops escalating")
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.Unavailable
  @Post("/alerts/{id}/acknowledge")
  public Acknowledgement acknowledge(@PathVariable UUID id, Authentication caller) {
    AlertAcknowledger acknowledger = alerts.orElseThrow(() -> unavailable("AlertAcknowledger"));
    AlertAcknowledger.Outcome outcome = acknowledger.acknowledge(id, caller.getName());
    if (outcome == AlertAcknowledger.Outcome.NOT_FOUND) {
      throw ApiProblem.notFound("alert", id.toString());
    }
    return new Acknowledgement(id.toString(), outcome.name());
  }

  /**
   * The answer to an acknowledgement: ACKNOWLEDGED now, or ALREADY_ACKNOWLEDGED / ALREADY_RESOLVED
   * (nothing to do); an unknown alert is a 404 instead.
   */
  @Introspected
  public record Acknowledgement(
      String alertId,
      @Schema(
              requiredMode = Schema.RequiredMode.REQUIRED,
              allowableValues = {"ACKNOWLEDGED", "ALREADY_ACKNOWLEDGED", "ALREADY_RESOLVED"})
          String outcome) {}

  private OpsBackend backend() {
    return backend.orElseThrow(() -> unavailable("OpsBackend"));
  }

  private static OpsModels.SwitchResult known(String name, OpsModels.SwitchResult result) {
    if (result.outcome() == OpsModels.SwitchResult.Outcome.UNKNOWN_SUBPROCESSOR) {
      throw ApiProblem.notFound("subprocessor", name);
    }
    return result;
  }

  static ApiProblem unavailable(String what) {
    return new ApiProblem(
        HttpStatus.SERVICE_UNAVAILABLE,
        "ops-backend-unavailable",
        "Ops backend unavailable",
        "this instance runs without the changefeed consumer (no " + what + " bean)",
        List.of(),
        Map.of());
  }
}
