package io.stockflow.workflows.alerts;

/**
 * Alert configuration of {@link AlertClient}.
 *
 * @param policy re-notification and escalation of new alerts
 * @param varianceUnits a cycle count differing from the book by more than this many units alerts
 * @param varianceFraction ... or by more than this fraction of the book figure (0.05 = 5 %)
 */
public record AlertSettings(AlertPolicy policy, long varianceUnits, double varianceFraction) {

  /** Default policy; variance above 10 units or 5 %. */
  public static final AlertSettings DEFAULT = new AlertSettings(AlertPolicy.DEFAULT, 10, 0.05);
}
