package io.stockflow.workflows.orders;

import io.stockflow.db.changefeed.Hlc;
import java.time.Instant;
import java.util.Objects;

/**
 * One observed status of an order, the payload of {@link OrderFulfilmentWorkflow#statusChanged}.
 *
 * @param orderId {@code orders.id}
 * @param locationId the fulfilling location ({@code orders.location_id})
 * @param status {@code orders.status}
 * @param version orders the updates of one order: the change's commit HLC as the changefeed prints
 *     it ({@link Hlc}, {@code "1701102311425045162.0000000000"}), or any non-negative counter
 *     ({@code "42"}). An update whose version is not newer than the one the workflow holds is stale
 *     (a redelivery, or an older change arriving late) and is ignored.
 * @param changedAt when the change was committed (the HLC's wall time); the first update that
 *     starts the workflow fixes the start of its SLA clock. Null means "now" to the workflow.
 */
public record OrderStatusUpdate(
    String orderId, String locationId, String status, String version, Instant changedAt) {

  public OrderStatusUpdate {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(version, "version");
    Hlc.parse(version); // fail at the caller, not inside the workflow
  }

  /** True when this update's version is strictly greater than {@code other}'s. */
  public boolean isNewerThan(OrderStatusUpdate other) {
    return other == null || compareVersions(version, other.version) > 0;
  }

  /**
   * Compares two versions as HLC timestamps ({@link Hlc}): wall part, then logical part; a bare
   * counter has logical part 0.
   */
  public static int compareVersions(String a, String b) {
    return Hlc.parse(a).compareTo(Hlc.parse(b));
  }
}
