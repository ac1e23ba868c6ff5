package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.bind.annotation.Bindable;
import io.stockflow.workflows.TaskQueues;
import io.stockflow.workflows.worker.WorkerSettings;
import java.time.Duration;

/**
 * {@code stockflow.worker.*}: the Temporal worker of the worker role, and the task queue the
 * workflow clients of every role start workflows on. Turned into the workflows module's {@link
 * WorkerSettings} (see {@link TemporalFactory}).
 *
 * @param taskQueue the queue polled for, and started on, every stockflow workflow and activity
 * @param maxConcurrentWorkflowTasks workflow tasks executed in parallel
 * @param maxConcurrentActivities activities executed in parallel (bounded in effect by {@code
 *     stockflow.database.pool-size})
 * @param alertWebhookUrl where alert notifications are POSTed; unset: recorded in the table only
 * @param webhookTimeout connect and request timeout of every outbound webhook call
 */
@ConfigurationProperties("stockflow.worker")
public record WorkerConfiguration(
    @Bindable(defaultValue = TaskQueues.STOCKFLOW) String taskQueue,
    @Bindable(defaultValue = "20") int maxConcurrentWorkflowTasks,
    @Bindable(defaultValue = "20") int maxConcurrentActivities,
    @Nullable String alertWebhookUrl,
    @Bindable(defaultValue = "10s") Duration webhookTimeout) {

  public WorkerSettings settings() {
    return new WorkerSettings(
        taskQueue,
        maxConcurrentWorkflowTasks,
        maxConcurrentActivities,
        alertWebhookUrl == null || alertWebhookUrl.isBlank() ? null : alertWebhookUrl,
        webhookTimeout);
  }
}
