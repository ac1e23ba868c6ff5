package io.stockflow.platform;

import io.micronaut.context.event.ShutdownEvent;
import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.db.Transactions;
import io.stockflow.stock.AvailabilitySettings;
import io.stockflow.workflows.worker.StockflowWorker;
import io.stockflow.workflows.worker.WorkerSettings;
import io.temporal.client.WorkflowClient;
import jakarta.inject.Provider;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts the worker and consumer roles once the context is up, and stops them in reverse on
 * shutdown: consumers first (no new signals), then the worker (running activities finish).
 */
@Singleton
public class RoleLifecycle {
  private static final Logger log = LoggerFactory.getLogger("stockflow");

  private final PlatformRoles roles;
  private final Provider<ChangefeedProcessor> processor;
  private final Provider<WorkflowClient> client;
  private final Provider<Transactions> transactions;
  private final WorkerSettings workerSettings;
  private final AvailabilitySettings availability;
  private final Tracing tracing;
  private StockflowWorker worker;
  private boolean consuming;

  public RoleLifecycle(
      PlatformRoles roles,
      Provider<ChangefeedProcessor> processor,
      Provider<WorkflowClient> client,
      Provider<Transactions> transactions,
      AvailabilitySettings availability,
      WorkerSettings workerSettings,
      Tracing tracing) {
    this.roles = roles;
    this.processor = processor;
    this.client = client;
    this.transactions = transactions;
    this.availability = availability;
    this.workerSettings = workerSettings;
    this.tracing = tracing;
  }

  @EventListener
  public synchronized void onStartup(StartupEvent event) {
    if (roles.worker()) {
      worker =
          new StockflowWorker(
              client.get(),
              transactions.get(),
              workerSettings,
              availability,
              tracing.workerInterceptors());
      worker.start();
      log.info("worker polling task queue {}", workerSettings.taskQueue());
    }
    if (roles.consumer()) {
      processor.get().start();
      consuming = true;
      log.info("changefeed consumers started for {}", processor.get().config().topics().keySet());
    }
  }

  /** The worker's task queue, and whether its pollers run; null in a process without the role. */
  public synchronized WorkerState worker() {
    if (!roles.worker()) return null;
    return new WorkerState(workerSettings.taskQueue(), worker != null && worker.isRunning());
  }

  public record WorkerState(String taskQueue, boolean running) {}

  @EventListener
  public synchronized void onShutdown(ShutdownEvent event) {
    if (consuming) {
      log.info("changefeed consumers stopping");
      processor.get().close();
      consuming = false;
    }
    if (worker != null) {
      log.info("worker stopping");
      worker.close();
      worker = null;
    }
  }
}
