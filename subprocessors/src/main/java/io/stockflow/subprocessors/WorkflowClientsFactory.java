package io.stockflow.subprocessors;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.stockflow.workflows.TaskQueues;
import io.stockflow.workflows.alerts.AlertClient;
import io.stockflow.workflows.orders.OrderFulfilmentClient;
import io.stockflow.workflows.orders.OrderFulfilmentSettings;
import io.stockflow.workflows.reservations.ReservationExpiryClient;
import io.stockflow.workflows.restock.RestockClient;
import io.stockflow.workflows.sync.ChannelSyncClient;
import io.stockflow.workflows.sync.ChannelSyncSettings;
import io.temporal.client.WorkflowClient;
import jakarta.inject.Singleton;
import java.time.Duration;

/** The workflow clients the subprocessors signal through, on the configured task queue. */
@Factory
public class WorkflowClientsFactory {
  private final WorkflowClient client;
  private final String taskQueue;

  public WorkflowClientsFactory(
      WorkflowClient client,
      @Value("${stockflow.worker.task-queue:" + TaskQueues.STOCKFLOW + "}") String taskQueue) {
    this.client = client;
    this.taskQueue = taskQueue;
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
   * Channel sync (defaults: {@link ChannelSyncSettings#DEFAULT}). Changing {@code buckets} moves
   * SKUs to other bucket workflows; the old ones finish what they hold and idle out, and a SKU
   * synced by two of them meanwhile is harmless (both write levels). The status bands are the
   * worker's ({@code stockflow.availability.*}, the API's too), not the client's.
   */
  @Singleton
  ChannelSyncClient channelSyncClient(
      @Value("${stockflow.channel-sync.buckets:8}") int buckets,
      @Value("${stockflow.channel-sync.interval:30s}") Duration interval,
      @Value("${stockflow.channel-sync.idle-timeout:10m}") Duration idleTimeout) {
    return new ChannelSyncClient(
        client, taskQueue, new ChannelSyncSettings(interval, idleTimeout, buckets));
  }

  @Singleton
  ReservationExpiryClient reservationExpiryClient() {
    return new ReservationExpiryClient(client, taskQueue);
  }

  /**
   * Ship-by and give-up deadlines, both counted from the confirmation (defaults: {@link
   * OrderFulfilmentSettings#DEFAULT}); new orders get the values configured when they start.
   */
  @Singleton
  OrderFulfilmentClient orderFulfilmentClient(
      @Value("${stockflow.orders.ship-by:24h}") Duration shipBy,
      @Value("${stockflow.orders.give-up-after:168h}") Duration giveUpAfter) {
    return new OrderFulfilmentClient(
        client,
        taskQueue,
        new OrderFulfilmentSettings(
            shipBy, giveUpAfter, OrderFulfilmentSettings.DEFAULT.lateAlert()));
  }
}
