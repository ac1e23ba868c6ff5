package io.stockflow.workflows.stream;

import java.util.List;

/**
 * What one run of a {@link StreamWorkflowBase} hands to the next across continue-as-new: events
 * received but not yet handled (in arrival order) and the most recent event ids for de-duplication.
 * {@link #EMPTY} for a first run.
 */
public record StreamCarry<E>(List<Pending<E>> pending, List<String> recentIds) {

  /** Nothing pending, nothing seen. */
  @SuppressWarnings("rawtypes")
  public static final StreamCarry EMPTY = new StreamCarry<>(List.of(), List.of());

  /** A typed {@link #EMPTY}. */
  @SuppressWarnings("unchecked")
  public static <E> StreamCarry<E> empty() {
    return (StreamCarry<E>) EMPTY;
  }

  /**
   * One queued event.
   *
   * @param id the event id used for de-duplication; null for events that are never repeated
   */
  public record Pending<E>(String id, E event) {}
}
