package io.stockflow.subprocessors;

import io.micronaut.context.annotation.Factory;
import io.stockflow.workflows.alerts.AlertClient;
import io.stockflow.workflows.alerts.AlertPolicy;
import io.stockflow.workflows.orders.OrderFulfilmentClient;
import io.stockflow.workflows.orders.OrderFulfilmentSettings;
import io.stockflow.workflows.reservations.ReservationExpiryClient;
import io.stockflow.workflows.restock.RestockClient;
import io.stockflow.workflows.sync.ChannelSyncClient;
import io.stockflow.workflows.sync.ChannelSyncSettings;
import io.stockflow.workflows.worker.WorkerSettings;
import io.temporal.client.WorkflowClient;
import jakarta.inject.Singleton;

/** The workflow clients the subprocessors signal through, on the configured task queue. */
@Factory
public class WorkflowClientsFactory {
  private final WorkflowClient client;
  private final String taskQueue;

  /**
   * @param worker the platform's worker settings: clients start workflows on its task queue
   */
  public WorkflowClientsFactory(WorkflowClient client, WorkerSettings worker) {
    this.client = client;
    this.taskQueue = worker.taskQueue();
  }

  @Singleton
  RestockClient restockClient() {
    return new RestockClient(client, taskQueue);
  }

  @Singleton
  AlertClient alertClient() {
    return new AlertClient(client, taskQueue);
  }

  /**
   * Channel sync. Changing {@code buckets} moves SKUs to other bucket workflows; the old ones
   * finish what they hold and idle out, and a SKU synced by two of them meanwhile is harmless (both
   * write levels). The status bands are the worker's ({@code stockflow.availability.*}, the API's
   * too), not the client's.
   */
  @Singleton
  ChannelSyncClient channelSyncClient(ChannelSyncConfiguration sync) {
    return new ChannelSyncClient(
        client,
        taskQueue,
        new ChannelSyncSettings(sync.interval(), sync.idleTimeout(), sync.buckets()));
  }

  @Singleton
  ReservationExpiryClient reservationExpiryClient() {
    return new ReservationExpiryClient(client, taskQueue);
  }

  @Singleton
  OrderFulfilmentClient orderFulfilmentClient(OrdersConfiguration orders) {
    return new OrderFulfilmentClient(
        client,
        taskQueue,
        new OrderFulfilmentSettings(orders.shipBy(), orders.giveUpAfter(), AlertPolicy.DEFAULT));
  }
}
