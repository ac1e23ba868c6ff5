package io.stockflow.workflows.alerts;

import io.stockflow.stock.AlertStatus;
import io.stockflow.workflows.ActivityPolicies;
import io.temporal.workflow.Workflow;

/**
 * Alert episode: open (or adopt) the row, then notify, wait up to the re-notify interval for an
 * acknowledgement or resolution, and repeat; from notification {@code escalateAfter + 1} on, the
 * alert is escalated. An acknowledged condition alert then waits quietly, re-checking the condition
 * every interval, until it clears. The notification count lives in the database, so continue-as-new
 * and re-drives carry on numbering where the episode was (webhook idempotency keys stay unique).
 */
public class AlertWorkflowImpl implements AlertWorkflow {
  private final AlertActivities db =
      Workflow.newActivityStub(AlertActivities.class, ActivityPolicies.DATABASE);
  private final AlertActivities webhook =
      Workflow.newActivityStub(AlertActivities.class, ActivityPolicies.WEBHOOK);

  private String acknowledgedBy;
  private boolean resolved;

  @Override
  public AlertResult run(AlertInput input) {
    AlertRecord alert = db.open(input);
    if (alert == null) return new AlertResult(null, "not_needed", null, 0);
    long sent = alert.notifyCount();
    boolean alreadyAcknowledged = alert.acknowledgedBy() != null;
    if (alreadyAcknowledged) acknowledgedBy = alert.acknowledgedBy();
    while (acknowledgedBy == null && !resolved) {
      long next = sent + 1;
      boolean escalated = next > input.policy().escalateAfter();
      if (!webhook.notify(alert, input, next, escalated)) {
        return new AlertResult(alert.episodeKey(), "closed", null, sent);
      }
      sent = next;
      boolean answered =
          Workflow.await(
              input.policy().renotifyInterval(), () -> acknowledgedBy != null || resolved);
      continueAsNewIfSuggested(answered, input);
    }
    if (acknowledgedBy != null && !alreadyAcknowledged) db.acknowledge(alert, acknowledgedBy);
    while (input.kind().isCondition() && !resolved) {
      boolean answered = Workflow.await(input.policy().renotifyInterval(), () -> resolved);
      if (!answered && !db.conditionHolds(input)) resolved = true;
      continueAsNewIfSuggested(answered, input);
    }
    if (resolved) db.resolve(alert);
    return new AlertResult(
        alert.episodeKey(),
        (resolved ? AlertStatus.RESOLVED : AlertStatus.ACKNOWLEDGED).code(),
        acknowledgedBy,
        sent);
  }

  private void continueAsNewIfSuggested(boolean signalled, AlertInput input) {
    // Only between signals: a pending acknowledgement or resolution is handled first, and the next
    // run adopts the row (with its state) from the database.
    if (!signalled && Workflow.getInfo().isContinueAsNewSuggested()) {
      Workflow.continueAsNew(input);
    }
  }

  @Override
  public void acknowledge(String by) {
    if (acknowledgedBy == null) acknowledgedBy = by;
  }

  @Override
  public void resolve() {
    resolved = true;
  }
}
