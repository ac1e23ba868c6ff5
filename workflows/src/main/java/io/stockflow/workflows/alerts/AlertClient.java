package io.stockflow.workflows.alerts;

import io.stockflow.stock.AlertSeverity;
import io.stockflow.stock.AvailabilityStatus;
import io.stockflow.workflows.StockSnapshot;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.api.enums.v1.WorkflowIdReusePolicy;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowExecutionAlreadyStarted;
import io.temporal.client.WorkflowNotFoundException;
import io.temporal.client.WorkflowOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Raises, acknowledges and resolves alerts; what the alert subprocessor and the API call.
 * Idempotent: the workflow ID {@code alert/<kind>/<sku>/<location>} admits one open alert per kind
 * and row, so a repeated trigger while it is open does nothing, and the episode check in {@link
 * AlertActivities#open} keeps a replayed change from raising an alert that was already handled.
 * Thread-safe.
 */
public final class AlertClient {
  /** Value of the {@code Kind} search attribute. */
  public static final String KIND = "alert";

  private final WorkflowClient client;
  private final String taskQueue;
  private final AlertSettings settings;

  public AlertClient(WorkflowClient client, String taskQueue) {
    this(client, taskQueue, AlertSettings.DEFAULT);
  }

  public AlertClient(WorkflowClient client, String taskQueue, AlertSettings settings) {
    this.client = client;
    this.taskQueue = taskQueue;
    this.settings = settings;
  }

  /**
   * {@code alert/<kind>/<sku>/<location>}, with {@code -} for a null sku or location, e.g. {@code
   * alert/low_stock/JERKY-TERIYAKI-3OZ/SEA1}.
   */
  public static String workflowId(AlertKind kind, String sku, String locationId) {
    return KIND
        + "/"
        + kind.code()
        + "/"
        + (sku == null ? "-" : sku)
        + "/"
        + (locationId == null ? "-" : locationId);
  }

  /**
   * The workflow ID of one episode: {@link #workflowId(AlertKind, String, String)} for kinds with
   * one open alert per row, plus {@code /<episode>} for {@link AlertKind#perEpisode} kinds, e.g.
   * {@code alert/order_late/-/SEA1/<order id>}.
   *
   * @throws IllegalArgumentException when a per-episode kind comes without an episode
   */
  public static String workflowId(AlertKind kind, String sku, String locationId, String episode) {
    String row = workflowId(kind, sku, locationId);
    if (!kind.perEpisode()) return row;
    if (episode == null || episode.isBlank())
      throw new IllegalArgumentException(kind.code() + " alerts need an episode");
    return row + "/" + episode;
  }

  /** The workflow ID of the episode {@code input} describes. */
  public static String workflowId(AlertInput input) {
    return workflowId(input.kind(), input.sku(), input.locationId(), input.episode());
  }

  /**
   * The workflow ID of the alert whose {@code alerts.episode_key} is {@code episodeKey} ({@code
   * <kind>/<sku>/<location>/<n or event>}): {@code alert/<kind>/<sku>/<location>}, or the whole key
   * under {@code alert/} for per-episode kinds.
   *
   * @throws IllegalArgumentException for a key of an unknown kind or without an episode part
   */
  public static String workflowIdOfEpisodeKey(String episodeKey) {
    int slash = episodeKey.indexOf('/');
    int last = episodeKey.lastIndexOf('/');
    if (slash <= 0 || last == slash)
      throw new IllegalArgumentException("not an alert episode key: " + episodeKey);
    AlertKind kind = AlertKind.fromCode(episodeKey.substring(0, slash));
    return KIND + "/" + (kind.perEpisode() ? episodeKey : episodeKey.substring(0, last));
  }

  /**
   * Starts the alert episode unless one of that kind and row (for per-episode kinds: that episode)
   * is open.
   *
   * @return false when it was already open (nothing started)
   */
  public boolean raise(AlertInput input) {
    AlertWorkflow wf =
        client.newWorkflowStub(
            AlertWorkflow.class,
            WorkflowOptions.newBuilder()
                .setWorkflowId(workflowId(input))
                .setTaskQueue(taskQueue)
                .setWorkflowIdReusePolicy(
                    WorkflowIdReusePolicy.WORKFLOW_ID_REUSE_POLICY_ALLOW_DUPLICATE)
                .setTypedSearchAttributes(
                    StockflowSearchAttributes.of(KIND, input.sku(), input.locationId()))
                .build());
    try {
      WorkflowClient.start(wf::run, input);
      return true;
    } catch (WorkflowExecutionAlreadyStarted alreadyOpen) {
      return false;
    }
  }

  /**
   * Acknowledges the open alert of that kind and row (the API's acknowledge endpoint).
   *
   * @return false when no alert workflow of that kind and row is running
   */
  public boolean acknowledge(AlertKind kind, String sku, String locationId, String by) {
    return acknowledgeWorkflow(workflowId(kind, sku, locationId), by);
  }

  /**
   * Acknowledges the open alert whose {@code alerts.episode_key} is {@code episodeKey}; works for
   * every kind, per-episode ones included (e.g. {@code order_late}), so callers that hold the alert
   * row should prefer it.
   *
   * @return false when that alert's workflow is not running
   */
  public boolean acknowledgeEpisode(String episodeKey, String by) {
    return acknowledgeWorkflow(workflowIdOfEpisodeKey(episodeKey), by);
  }

  private boolean acknowledgeWorkflow(String workflowId, String by) {
    try {
      client.newWorkflowStub(AlertWorkflow.class, workflowId).acknowledge(by);
      return true;
    } catch (WorkflowNotFoundException notOpen) {
      return false;
    }
  }

  /** Tells the open alert of that kind and row that its condition cleared; no-op when none. */
  public void resolve(AlertKind kind, String sku, String locationId) {
    try {
      client.newWorkflowStub(AlertWorkflow.class, workflowId(kind, sku, locationId)).resolve();
    } catch (WorkflowNotFoundException notOpen) {
      // nothing open to resolve
    }
  }

  /**
   * Applies every stock alert rule to one change of a row: {@link #onStockBand} and {@link
   * #onCycleCount}.
   *
   * @param before the previous image; null for an insert or a replay
   * @return the kinds raised (already-open ones included)
   */
  public List<AlertKind> onStockChanged(StockSnapshot before, StockSnapshot after) {
    List<AlertKind> raised = new ArrayList<>(onStockBand(before, after));
    if (before != null) raised.addAll(onCycleCount(before, after));
    return raised;
  }

  /**
   * The condition alerts of a row: raises the alert of its {@link StockSnapshot#band() band} (out
   * of stock, low stock) and clears the band it left — both others when the previous band is not
   * known (an insert or a replay, which re-asserts the row's state) — and raises an invariant
   * breach (a negative quantity or allocated + reserved above on_hand, which the database should
   * have refused).
   *
   * @param before the previous image; null for an insert or a replay
   * @return the kinds raised (already-open ones included)
   */
  public List<AlertKind> onStockBand(StockSnapshot before, StockSnapshot after) {
    List<AlertKind> raised = new ArrayList<>();
    String sku = after.sku();
    String loc = after.locationId();
    AvailabilityStatus band = after.band();
    switch (band) {
      case OUT_OF_STOCK ->
          raise(condition(AlertKind.OUT_OF_STOCK, after, "Out of stock at " + loc), raised);
      case LOW_STOCK ->
          raise(
              condition(
                  AlertKind.LOW_STOCK, after, "Only " + after.available() + " left at " + loc),
              raised);
      case IN_STOCK -> {}
    }
    for (AvailabilityStatus other :
        List.of(AvailabilityStatus.LOW_STOCK, AvailabilityStatus.OUT_OF_STOCK)) {
      if (other != band && (before == null || before.band() == other))
        resolve(
            other == AvailabilityStatus.LOW_STOCK ? AlertKind.LOW_STOCK : AlertKind.OUT_OF_STOCK,
            sku,
            loc);
    }
    if (after.breachesInvariants()) {
      raise(
          new AlertInput(
              AlertKind.INVARIANT_BREACH,
              sku,
              loc,
              AlertSeverity.CRITICAL.code(),
              "Inventory invariant broken at " + loc,
              Map.of(
                  "onHand", after.onHand(),
                  "allocated", after.allocated(),
                  "reserved", after.reserved()),
              after.updated(),
              settings.policy()),
          raised);
    }
    return raised;
  }

  /**
   * The cycle-count variance alert: a write that moves last_counted_at and changes on_hand by more
   * than the configured units or fraction ({@link #significantVariance}); one alert per count.
   *
   * @return the kinds raised (already-open ones included): COUNT_VARIANCE or nothing
   */
  public List<AlertKind> onCycleCount(StockSnapshot before, StockSnapshot after) {
    List<AlertKind> raised = new ArrayList<>();
    if (after.lastCountedAt() != null
        && !after.lastCountedAt().equals(before.lastCountedAt())
        && significantVariance(before.onHand(), after.onHand())) {
      raise(
          new AlertInput(
              AlertKind.COUNT_VARIANCE,
              after.sku(),
              after.locationId(),
              AlertSeverity.WARNING.code(),
              "Cycle count found " + after.onHand() + " where the book said " + before.onHand(),
              Map.of("bookOnHand", before.onHand(), "countedOnHand", after.onHand()),
              after.lastCountedAt().toString(),
              settings.policy()),
          raised);
    }
    return raised;
  }

  /** More than {@code varianceUnits}, or (from a non-zero book) more than the fraction. */
  public boolean significantVariance(long bookOnHand, long countedOnHand) {
    long diff = Math.abs(countedOnHand - bookOnHand);
    if (diff > settings.varianceUnits()) return true;
    return bookOnHand > 0 && (double) diff / bookOnHand > settings.varianceFraction();
  }

  private AlertInput condition(AlertKind kind, StockSnapshot s, String message) {
    return new AlertInput(
        kind,
        s.sku(),
        s.locationId(),
        (kind == AlertKind.OUT_OF_STOCK ? AlertSeverity.CRITICAL : AlertSeverity.WARNING).code(),
        message,
        Map.of("available", s.available(), "reorderPoint", s.reorderPoint()),
        null,
        settings.policy());
  }

  private void raise(AlertInput input, List<AlertKind> raised) {
    raise(input);
    raised.add(input.kind());
  }
}
