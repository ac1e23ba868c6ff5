package io.stockflow.workflows.support;

import io.stockflow.workflows.StockflowSearchAttributes;
import io.temporal.common.WorkflowExecutionHistory;
import io.temporal.testing.TestWorkflowEnvironment;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Time-skipping test environments with the stockflow search attributes, and history recording. */
public final class TestEnvironments {
  private TestEnvironments() {}

  /** A fresh in-memory Temporal test server (time skipping) knowing Sku, LocationId and Kind. */
  public static TestWorkflowEnvironment create() {
    TestWorkflowEnvironment env = TestWorkflowEnvironment.newInstance();
    StockflowSearchAttributes.DEFINITIONS.forEach(env::registerSearchAttribute);
    return env;
  }

  /**
   * With {@code -Dstockflow.recordHistories=true}, saves the history of {@code workflowId} to
   * {@code src/test/resources/histories/<name>.json}, where {@code WorkflowReplayTest} replays it.
   * Run it again only when a workflow change is meant to be incompatible (and version it).
   */
  public static void recordIfRequested(
      TestWorkflowEnvironment env, String workflowId, String name) {
    recordIfRequested(env, workflowId, null, name);
  }

  /** As {@link #recordIfRequested(TestWorkflowEnvironment, String, String)}, of one run. */
  public static void recordIfRequested(
      TestWorkflowEnvironment env, String workflowId, String runId, String name) {
    if (!Boolean.getBoolean("stockflow.recordHistories")) return;
    WorkflowExecutionHistory history =
        runId == null
            ? env.getWorkflowClient().fetchHistory(workflowId)
            : env.getWorkflowClient().fetchHistory(workflowId, runId);
    try {
      Path file = Path.of("src/test/resources/histories", name + ".json");
      Files.createDirectories(file.getParent());
      Files.writeString(file, history.toJson(true));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
