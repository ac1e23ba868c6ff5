package io.stockflow.changefeed.consumer;

import java.util.Collection;

/**
 * Re-drives the letters parked while a subprocessor was paused, for its lane's sweep: {@link
 * DeadLetters#redriveParked(String, String, Collection, int)} in production. Thread-safe.
 */
@FunctionalInterface
interface ParkedLetters {
  /**
   * Re-drives up to {@code limit} pending parked letters of {@code subprocessor} on the given
   * partitions of {@code topic}, in source order.
   *
   * @return how many it re-drove; fewer than {@code limit} means none is left
   * @throws OutageException when a dependency is down; the letter stays parked
   */
  int redrivePage(String topic, String subprocessor, Collection<Integer> partitions, int limit);
}
