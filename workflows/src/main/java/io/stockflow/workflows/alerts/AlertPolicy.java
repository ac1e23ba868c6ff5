package io.stockflow.workflows.alerts;

import java.time.Duration;

/**
 * How insistently an alert is repeated.
 *
 * @param renotifyInterval wait for an acknowledgement this long before notifying again
 * @param escalateAfter notifications without acknowledgement after which it is escalated
 */
public record AlertPolicy(Duration renotifyInterval, int escalateAfter) {

  /** Every 30 minutes, escalated after the third notification. */
  public static final AlertPolicy DEFAULT = new AlertPolicy(Duration.ofMinutes(30), 3);
}
