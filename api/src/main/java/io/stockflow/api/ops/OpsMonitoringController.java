package io.stockflow.api.ops;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.PathVariable;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.security.annotation.Secured;
import io.stockflow.api.TextPatterns;
import io.stockflow.api.problem.ApiProblem;
import io.stockflow.api.problem.ProblemResponses;
import io.stockflow.api.security.Roles;
import io.stockflow.db.Transactions;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.Pattern;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What an operator watching the stream reads besides {@link OpsController}: per-lane numbers, one
 * dead letter with its payload, the alerts, and a re-drive of every pending dead letter at once.
 * The ops console is built on these and on {@link OpsController}.
 */
@Controller("/ops")
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Secured(Roles.OPS)
@ExecuteOn(TaskExecutors.BLOCKING)
@Tag(name = "Ops")
@ProblemResponses.Unauthorized
@ProblemResponses.Forbidden
public class OpsMonitoringController {
  private final Transactions transactions;
  private final AlertsService alerts;
  private final Optional<OpsBackend> backend;

  public OpsMonitoringController(
      Transactions transactions, AlertsService alerts, Optional<OpsBackend> backend) {
    this.transactions = transactions;
    this.alerts = alerts;
    this.backend = backend;
  }

  @Operation(
      summary = "Per topic and subprocessor: lags, watermark, pause state, rates, latency",
      description = "As seen by the instance that answers (each consumer instance has its own).")
  @ApiResponse(responseCode = "200", description = "one entry per topic and subprocessor")
  @ProblemResponses.Unavailable
  @Get("/lanes")
  public List<OpsModels.LaneMetrics> lanes() {
    return backend().lanes();
  }

  @Operation(summary = "One dead letter with its original message")
  @ApiResponse(responseCode = "200", description = "the letter and its message value")
  @ProblemResponses.BadRequest
  @ProblemResponses.NotFound
  @ProblemResponses.Unavailable
  @Get("/dead-letters/{id}")
  public OpsModels.DeadLetterDetail deadLetter(@PathVariable UUID id) {
    return backend()
        .deadLetter(id)
        .orElseThrow(() -> ApiProblem.notFound("dead letter", id.toString()));
  }

  @Operation(
      summary = "Re-drive every pending dead letter (optionally of one subprocessor)",
      description =
          "Oldest failure first, at most limit letters. Undecodable letters (no subprocessor)"
              + " are left alone: nothing can handle them. Letters whose subprocessor is no"
              + " longer enabled for their table count as skipped.")
  @ApiResponse(responseCode = "200", description = "what happened to each letter")
  @ProblemResponses.BadRequest
  @ProblemResponses.Unavailable
  // Not under /dead-letters/: GET /dead-letters/{id} would match "redrive" too, and the Allow
  // header of that path would advertise a GET the document does not have (schemathesis ST205).
  @Post("/redrive-dead-letters{?subprocessor,limit}")
  public OpsModels.RedriveAllResult redriveAll(
      @Nullable @QueryValue @TextPatterns.NoNul String subprocessor,
      @QueryValue(defaultValue = "100") @Min(1) @Max(500) int limit) {
    OpsBackend ops = backend();
    List<OpsModels.DeadLetter> pending = new ArrayList<>();
    for (OpsModels.DeadLetter letter : ops.deadLetters(subprocessor, "pending", limit)) {
      if (letter.subprocessor() != null && !letter.subprocessor().isEmpty()) pending.add(letter);
    }
    // Listed newest first; re-driven in the order they failed.
    Collections.reverse(pending);
    List<OpsModels.RedriveItem> results = new ArrayList<>();
    int redriven = 0;
    int failed = 0;
    for (OpsModels.DeadLetter letter : pending) {
      OpsModels.RedriveResult r = ops.redrive(UUID.fromString(letter.id()));
      results.add(new OpsModels.RedriveItem(letter.id(), r.outcome(), r.message()));
      if (r.outcome() == OpsModels.RedriveResult.Outcome.REDRIVEN) redriven++;
      else if (r.outcome() == OpsModels.RedriveResult.Outcome.FAILED) failed++;
    }
    return new OpsModels.RedriveAllResult(
        redriven, failed, results.size() - redriven - failed, results);
  }

  @Operation(summary = "Alerts, newest first")
  @ApiResponse(responseCode = "200", description = "the alerts")
  @ProblemResponses.BadRequest
  @Get("/alerts{?status,limit}")
  public List<OpsModels.Alert> alerts(
      @Nullable
          @QueryValue
          @Pattern(regexp = "open|acknowledged|resolved")
          @Schema(allowableValues = {"open", "acknowledged", "resolved"})
          String status,
      @QueryValue(defaultValue = "100") @Min(1) @Max(500) int limit) {
    return alerts.list(transactions.dsl(), status, limit);
  }

  private OpsBackend backend() {
    return backend.orElseThrow(() -> OpsController.unavailable("OpsBackend"));
  }
}
