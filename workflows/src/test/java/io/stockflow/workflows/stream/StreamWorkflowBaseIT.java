package io.stockflow.workflows.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.testsupport.TemporalExtension;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.activity.Activity;
import io.temporal.client.BatchRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.Worker;
import io.temporal.worker.WorkerFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Continue-as-new under concurrent SignalWithStart on the real Temporal dev server: every event
 * handled exactly once although each is sent twice and runs switch every few events.
 */
class StreamWorkflowBaseIT {
  @RegisterExtension
  static final TemporalExtension temporal =
      TemporalExtension.withSearchAttributes(StockflowSearchAttributes.DEV_SERVER_FLAGS);

  @Test
  void concurrentSignalsAcrossContinueAsNewAreNeitherLostNorDuplicated() throws Exception {
    List<String> recorded = Collections.synchronizedList(new ArrayList<>());
    Set<String> runs = ConcurrentHashMap.newKeySet();
    WorkflowServiceStubs service =
        WorkflowServiceStubs.newServiceStubs(
            WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.target()).build());
    WorkerFactory factory = null;
    ExecutorService senders = Executors.newFixedThreadPool(4);
    try {
      WorkflowClient client = WorkflowClient.newInstance(service);
      factory = WorkerFactory.newInstance(client);
      Worker worker = factory.newWorker(temporal.taskQueue());
      worker.registerWorkflowImplementationTypes(CountingStreamWorkflowImpl.class);
      worker.registerActivitiesImplementations(
          (CountingStreamWorkflow.Recorder)
              batch -> {
                runs.add(Activity.getExecutionContext().getInfo().getRunId());
                recorded.addAll(batch);
              });
      factory.start();

      StreamOptions options =
          new StreamOptions(Duration.ofSeconds(3), 3, Duration.ZERO, 7, Duration.ofHours(1), 1000);
      List<String> ids = IntStream.range(0, 120).mapToObj(i -> "e" + i).toList();
      List<Future<?>> sent = new ArrayList<>();
      for (int round = 0; round < 2; round++) {
        for (String id : ids) {
          sent.add(
              senders.submit(
                  () -> {
                    CountingStreamWorkflow wf =
                        client.newWorkflowStub(
                            CountingStreamWorkflow.class,
                            WorkflowOptions.newBuilder()
                                .setWorkflowId("stream/it")
                                .setTaskQueue(temporal.taskQueue())
                                .build());
                    BatchRequest request = client.newSignalWithStartRequest();
                    request.add(
                        wf::run, new CountingStreamWorkflow.Input(options, StreamCarry.empty()));
                    request.add(wf::event, id);
                    client.signalWithStart(request);
                  }));
        }
      }
      for (Future<?> f : sent) f.get(60, TimeUnit.SECONDS);
      client.newUntypedWorkflowStub("stream/it").getResult(30, TimeUnit.SECONDS, Void.class);

      assertThat(recorded).hasSize(ids.size()).containsExactlyInAnyOrderElementsOf(ids);
      assertThat(runs).hasSizeGreaterThan(5);
    } finally {
      senders.shutdownNow();
      if (factory != null) {
        factory.shutdown();
        factory.awaitTermination(10, TimeUnit.SECONDS);
      }
      service.shutdownNow();
    }
  }
}
