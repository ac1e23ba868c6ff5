package io.stockflow.workflows.orders;

import java.time.Instant;
import java.util.Objects;

/**
 * One observed status of an order, the payload of {@link OrderFulfilmentWorkflow#statusChanged}.
 *
 * @param orderId {@code orders.id}
 * @param locationId the fulfilling location ({@code orders.location_id})
 * @param status {@code orders.status}
 * @param version orders the updates of one order: the change's commit HLC as the changefeed prints
 *     it ({@code "1701102311425045162.0000000000"}), or any non-negative counter ({@code "42"}). An
 *     update whose version is not newer than the one the workflow holds is stale (a redelivery, or
 *     an older change arriving late) and is ignored.
 * @param changedAt when the change was committed (the HLC's wall time); the first update that
 *     starts the workflow fixes the start of its SLA clock. Null means "now" to the workflow.
 */
public record OrderStatusUpdate(
    String orderId, String locationId, String status, String version, Instant changedAt) {

  public OrderStatusUpdate {
    Objects.requireNonNull(orderId, "orderId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(version, "version");
    parseVersion(version); // fail at the caller, not inside the workflow
  }

  /** True when this update's version is strictly greater than {@code other}'s. */
  public boolean isNewerThan(OrderStatusUpdate other) {
    return other == null || compareVersions(version, other.version) > 0;
  }

  /**
   * Compares two versions as HLC timestamps: wall part, then logical part; a bare counter has
   * logical part 0.
   */
  public static int compareVersions(String a, String b) {
    long[] x = parseVersion(a);
    long[] y = parseVersion(b);
    int c = Long.compare(x[0], y[0]);
    return c != 0 ? c : Long.compare(x[1], y[1]);
  }

  /**
   * {@code {wall, logical}} of {@code "wall.logical"} or {@code "counter"}.
   *
   * @throws IllegalArgumentException when {@code version} is neither
   */
  static long[] parseVersion(String version) {
    try {
      int dot = version.indexOf('.');
      long wall = Long.parseLong(dot < 0 ? version : version.substring(0, dot));
      long logical = dot < 0 ? 0 : Long.parseLong(version.substring(dot + 1));
      if (wall < 0 || logical < 0) throw new NumberFormatException("negative");
      return new long[] {wall, logical};
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an HLC timestamp or counter: \"" + version + "\"", e);
    }
  }
}
