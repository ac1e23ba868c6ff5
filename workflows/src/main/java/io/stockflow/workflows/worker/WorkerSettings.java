package io.stockflow.workflows.worker;

import io.stockflow.workflows.TaskQueues;
import java.time.Duration;

/**
 * Worker configuration; the platform fills it from its configuration.
 *
 * @param taskQueue the queue polled for every stockflow workflow and activity
 * @param maxConcurrentWorkflowTasks workflow tasks executed in parallel
 * @param maxConcurrentActivities activities executed in parallel (bounded by the database pool)
 * @param alertWebhookUrl where alert notifications are POSTed; null for table only
 * @param webhookTimeout connect and request timeout of every outbound webhook call
 */
public record WorkerSettings(
    String taskQueue,
    int maxConcurrentWorkflowTasks,
    int maxConcurrentActivities,
    String alertWebhookUrl,
    Duration webhookTimeout) {

  public WorkerSettings {
    if (taskQueue == null || taskQueue.isBlank())
      throw new IllegalArgumentException("taskQueue is required");
    if (maxConcurrentWorkflowTasks < 1 || maxConcurrentActivities < 1)
      throw new IllegalArgumentException("concurrency limits must be >= 1");
  }

  /** Queue {@value TaskQueues#STOCKFLOW}, 20 workflow tasks, 20 activities, no alert webhook. */
  public static WorkerSettings defaults() {
    return new WorkerSettings(TaskQueues.STOCKFLOW, 20, 20, null, Duration.ofSeconds(10));
  }
}
