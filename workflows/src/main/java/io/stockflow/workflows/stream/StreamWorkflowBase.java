package io.stockflow.workflows.stream;

import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;

/**
 * The long-running stream-processing workflow (DashMart's abstract workflow, Temporal's
 * HelloAccumulator): one workflow per key or key bucket, fed by SignalWithStart. Events go into an
 * in-memory queue (repeats dropped by event id), {@link #handleBatch} consumes them in arrival
 * order, and the run continues as new when Temporal suggests it or after {@link
 * StreamOptions#maxEventsPerRun} events or {@link StreamOptions#maxRunDuration}, carrying the queue
 * and the recent ids; after {@link StreamOptions#idleTimeout} without events it completes.
 *
 * <p>No event is lost across continue-as-new: the signal handler only appends to the queue, the run
 * waits until every handler has finished before it hands the queue over, and a signal that reaches
 * the server after that makes the server reject the completion and replay the task with the signal,
 * so it lands in the queue that is handed over. Likewise an event arriving at the moment the run
 * completes idle is not lost.
 *
 * <p>Subclasses implement the workflow interface: the workflow method calls {@link #process}, the
 * signal method calls {@link #accept}. Workflow code: deterministic, single-threaded.
 *
 * @param <E> event type, serialisable by the data converter
 */
public abstract class StreamWorkflowBase<E> {
  private final Deque<StreamCarry.Pending<E>> queue = new ArrayDeque<>();
  private final LinkedHashSet<String> seen = new LinkedHashSet<>();
  private int duplicates;

  /** Handles events in arrival order; may call activities. Failing it fails the workflow task. */
  protected abstract void handleBatch(List<E> batch);

  /** The workflow input of the next run, carrying {@code carry}. */
  protected abstract Object nextRunInput(StreamCarry<E> carry);

  /**
   * Queues an event unless its id was seen recently. Call from the signal method; it may run before
   * {@link #process} started (SignalWithStart delivers the signal first).
   */
  protected final void accept(String eventId, E event) {
    if (eventId != null && !seen.add(eventId)) {
      duplicates++;
      return;
    }
    queue.addLast(new StreamCarry.Pending<>(eventId, event));
  }

  /** Events dropped as repeats in this run (for tests and queries). */
  protected final int duplicates() {
    return duplicates;
  }

  /** Runs the stream until idle, or until it continues as new (which does not return). */
  protected final void process(StreamCarry<E> carry, StreamOptions options) {
    takeOver(carry);
    long startedAt = Workflow.currentTimeMillis();
    int handled = 0;
    while (true) {
      if (queue.isEmpty() && !Workflow.await(options.idleTimeout(), () -> !queue.isEmpty())) {
        return;
      }
      List<E> batch = new ArrayList<>();
      while (!queue.isEmpty() && batch.size() < options.maxBatchSize()) {
        batch.add(queue.pollFirst().event());
      }
      handleBatch(batch);
      handled += batch.size();
      if (!options.minInterval().isZero()) Workflow.sleep(options.minInterval());
      Duration ran = Duration.ofMillis(Workflow.currentTimeMillis() - startedAt);
      if (Workflow.getInfo().isContinueAsNewSuggested()
          || handled >= options.maxEventsPerRun()
          || ran.compareTo(options.maxRunDuration()) >= 0) {
        Workflow.await(Workflow::isEveryHandlerFinished);
        Workflow.continueAsNew(nextRunInput(carryOver(options.dedupWindow())));
      }
    }
  }

  /**
   * The previous run's events go first; signals already delivered to this run that the previous run
   * had seen are repeats.
   */
  private void takeOver(StreamCarry<E> carry) {
    if (carry == null) return;
    for (Iterator<StreamCarry.Pending<E>> it = queue.iterator(); it.hasNext(); ) {
      String id = it.next().id();
      if (id != null && carry.recentIds().contains(id)) {
        it.remove();
        duplicates++;
      }
    }
    List<StreamCarry.Pending<E>> earlier = carry.pending();
    for (int i = earlier.size() - 1; i >= 0; i--) queue.addFirst(earlier.get(i));
    LinkedHashSet<String> merged = new LinkedHashSet<>(carry.recentIds());
    merged.addAll(seen);
    seen.clear();
    seen.addAll(merged);
  }

  private StreamCarry<E> carryOver(int dedupWindow) {
    List<String> ids = new ArrayList<>(seen);
    List<String> recent = ids.subList(Math.max(0, ids.size() - dedupWindow), ids.size());
    return new StreamCarry<>(List.copyOf(queue), List.copyOf(recent));
  }
}
