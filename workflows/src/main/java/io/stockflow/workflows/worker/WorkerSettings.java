package io.stockflow.workflows.worker;

import java.time.Duration;

/**
 * Worker configuration; the platform builds it from {@code stockflow.worker.*}, where the defaults
 * are.
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
}
