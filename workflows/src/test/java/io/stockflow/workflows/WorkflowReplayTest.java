package io.stockflow.workflows;

import io.stockflow.workflows.alerts.AlertWorkflowImpl;
import io.stockflow.workflows.orders.OrderFulfilmentWorkflowImpl;
import io.stockflow.workflows.reservations.ReservationExpiryWorkflowImpl;
import io.stockflow.workflows.restock.RestockWorkflowImpl;
import io.stockflow.workflows.stream.CountingStreamWorkflowImpl;
import io.stockflow.workflows.sync.ChannelSyncWorkflowImpl;
import io.temporal.testing.WorkflowReplayer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Determinism guard: histories recorded from the test server (see {@code
 * TestEnvironments.recordIfRequested}) must replay against today's workflow code. A failure means a
 * change would break running workflows: version it with {@code Workflow.getVersion}.
 */
class WorkflowReplayTest {

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "restock-received, RESTOCK",
    "restock-late, RESTOCK",
    "alert-acknowledged, ALERT",
    "channel-sync-bucket, SYNC",
    "channel-sync-continued-as-new, SYNC",
    "reservation-expired, EXPIRY",
    "stream-continued-as-new, STREAM",
    "order-fulfilment-shipped, ORDER",
    "order-fulfilment-late, ORDER"
  })
  void recordedHistoryReplaysAgainstCurrentCode(String history, Kind kind) throws Exception {
    WorkflowReplayer.replayWorkflowExecutionFromResource(
        "histories/" + history + ".json", kind.impl, kind.others);
  }

  enum Kind {
    RESTOCK(RestockWorkflowImpl.class, AlertWorkflowImpl.class),
    ALERT(AlertWorkflowImpl.class),
    SYNC(ChannelSyncWorkflowImpl.class),
    EXPIRY(ReservationExpiryWorkflowImpl.class),
    STREAM(CountingStreamWorkflowImpl.class),
    ORDER(OrderFulfilmentWorkflowImpl.class, AlertWorkflowImpl.class);

    final Class<?> impl;
    final Class<?>[] others;

    Kind(Class<?> impl, Class<?>... others) {
      this.impl = impl;
      this.others = others;
    }
  }
}
