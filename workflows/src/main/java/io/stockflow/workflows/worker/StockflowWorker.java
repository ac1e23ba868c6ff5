package io.stockflow.workflows.worker;

import io.stockflow.db.Transactions;
import io.stockflow.stock.AvailabilitySettings;
import io.stockflow.workflows.WebhookSender;
import io.stockflow.workflows.alerts.AlertActivitiesImpl;
import io.stockflow.workflows.alerts.AlertWorkflowImpl;
import io.stockflow.workflows.orders.OrderFulfilmentActivitiesImpl;
import io.stockflow.workflows.orders.OrderFulfilmentWorkflowImpl;
import io.stockflow.workflows.reservations.ReservationExpiryActivitiesImpl;
import io.stockflow.workflows.reservations.ReservationExpiryWorkflowImpl;
import io.stockflow.workflows.restock.RestockActivitiesImpl;
import io.stockflow.workflows.restock.RestockWorkflowImpl;
import io.stockflow.workflows.sync.ChannelSyncActivitiesImpl;
import io.stockflow.workflows.sync.ChannelSyncWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.common.interceptors.WorkerInterceptor;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import io.temporal.worker.WorkerFactoryOptions;
import io.temporal.worker.WorkerOptions;
import java.util.concurrent.TimeUnit;

/**
 * The stockflow worker: every workflow and activity on one task queue. Framework-neutral; the
 * platform constructs it from configuration and a {@link WorkflowClient}. {@link #start()} once,
 * {@link #close()} once (it waits up to 30 s for running tasks); not reusable after close.
 */
public final class StockflowWorker implements AutoCloseable {
  private final WorkerFactory factory;

  /**
   * @param availability the status bands channel sync reports; pass the API's ({@code
   *     stockflow.availability.*}) so channels and shops agree
   * @param interceptors around every workflow and activity run, e.g. the platform's tracing
   */
  public StockflowWorker(
      WorkflowClient client,
      Transactions transactions,
      WorkerSettings settings,
      AvailabilitySettings availability,
      WorkerInterceptor... interceptors) {
    this.factory =
        WorkerFactory.newInstance(
            client, WorkerFactoryOptions.newBuilder().setWorkerInterceptors(interceptors).build());
    Worker worker =
        factory.newWorker(
            settings.taskQueue(),
            WorkerOptions.newBuilder()
                .setMaxConcurrentWorkflowTaskExecutionSize(settings.maxConcurrentWorkflowTasks())
                .setMaxConcurrentActivityExecutionSize(settings.maxConcurrentActivities())
                .build());
    register(worker, transactions, settings, availability);
  }

  /**
   * Registers all stockflow workflows and activities on {@code worker}; also used by tests on a
   * test environment's worker.
   */
  public static void register(
      Worker worker,
      Transactions transactions,
      WorkerSettings settings,
      AvailabilitySettings availability) {
    WebhookSender webhooks = new WebhookSender(settings.webhookTimeout());
    worker.registerWorkflowImplementationTypes(
        RestockWorkflowImpl.class,
        AlertWorkflowImpl.class,
        ChannelSyncWorkflowImpl.class,
        ReservationExpiryWorkflowImpl.class,
        OrderFulfilmentWorkflowImpl.class);
    worker.registerActivitiesImplementations(
        new RestockActivitiesImpl(transactions),
        new AlertActivitiesImpl(transactions, webhooks, settings.alertWebhookUrl()),
        new ChannelSyncActivitiesImpl(transactions, webhooks, availability),
        new ReservationExpiryActivitiesImpl(transactions),
        new OrderFulfilmentActivitiesImpl(transactions));
  }

  /** Starts polling. */
  public void start() {
    factory.start();
  }

  /** Whether it has started and not been shut down (its pollers are running). */
  public boolean isRunning() {
    return factory.isStarted() && !factory.isShutdown() && !factory.isTerminated();
  }

  /** Stops polling, lets running tasks finish for up to 30 s, then abandons them. */
  @Override
  public void close() {
    factory.shutdown();
    factory.awaitTermination(30, TimeUnit.SECONDS);
    if (!factory.isTerminated()) factory.shutdownNow();
  }
}
