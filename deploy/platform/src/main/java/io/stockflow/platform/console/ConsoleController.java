package io.stockflow.platform.console;

import io.micronaut.context.annotation.Requires;
import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.stockflow.api.security.Roles;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.platform.TemporalConfiguration;
import io.stockflow.subprocessors.alerts.CountVarianceAlertSubprocessor;
import io.stockflow.subprocessors.alerts.StockAlertSubprocessor;
import io.stockflow.subprocessors.orders.OrderFulfilmentSubprocessor;
import io.stockflow.subprocessors.reservations.ReservationExpirySubprocessor;
import io.stockflow.subprocessors.restock.RestockSubprocessor;
import io.stockflow.subprocessors.sync.ChannelSyncSubprocessor;
import io.stockflow.workflows.alerts.AlertClient;
import io.stockflow.workflows.orders.OrderFulfilmentClient;
import io.stockflow.workflows.reservations.ReservationExpiryClient;
import io.stockflow.workflows.restock.RestockClient;
import io.stockflow.workflows.sync.ChannelSyncClient;
import java.util.List;
import java.util.Map;

/**
 * What the ops console (the static page under {@code /console/}) needs besides the ops API, and
 * only the platform knows: where the Temporal Web UI is, and which workflow kind each subprocessor
 * starts. The page itself is public and carries no data; this, like every ops call, needs an ops
 * key.
 */
@Controller("/ops/console")
@Requires(property = "stockflow.api.enabled", notEquals = "false")
@Secured(Roles.OPS)
public class ConsoleController {
  /**
   * The {@code Kind} search attribute of the workflows each subprocessor starts or signals (the
   * audit log starts none).
   */
  static final Map<String, String> WORKFLOW_KINDS =
      Map.of(
          RestockSubprocessor.NAME, RestockClient.KIND,
          StockAlertSubprocessor.NAME, AlertClient.KIND,
          CountVarianceAlertSubprocessor.NAME, AlertClient.KIND,
          ChannelSyncSubprocessor.NAME, ChannelSyncClient.KIND,
          ReservationExpirySubprocessor.NAME, ReservationExpiryClient.KIND,
          OrderFulfilmentSubprocessor.NAME, OrderFulfilmentClient.KIND);

  /**
   * @param temporalUiUrl the Temporal Web UI's base URL, null when not configured (no links)
   * @param temporalNamespace the namespace of every stockflow workflow
   * @param workflowKinds subprocessor name → the {@code Kind} of the workflows it drives
   * @param replayTables the tables replay accepts, with their primary-key columns in key order
   */
  @Introspected
  public record Settings(
      @Nullable String temporalUiUrl,
      String temporalNamespace,
      Map<String, String> workflowKinds,
      List<ReplayTable> replayTables) {}

  @Introspected
  public record ReplayTable(String table, List<String> primaryKey) {}

  private final Settings settings;

  public ConsoleController(TemporalConfiguration temporal) {
    this.settings =
        new Settings(
            temporal.uiUrl(),
            temporal.namespace(),
            WORKFLOW_KINDS,
            ChangefeedDeclaration.stockflow().tables().stream()
                .map(t -> new ReplayTable(t.table(), t.primaryKey()))
                .toList());
  }

  @Get("/settings")
  public Settings settings() {
    return settings;
  }
}
