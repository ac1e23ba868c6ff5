package io.stockflow.workflows;

/** Task queue names. One queue serves every stockflow workflow and activity by default. */
public final class TaskQueues {
  private TaskQueues() {}

  /** The default task queue of the stockflow worker and clients. */
  public static final String STOCKFLOW = "stockflow";
}
