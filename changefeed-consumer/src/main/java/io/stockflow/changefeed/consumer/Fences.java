package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Hlc;
import java.util.Collection;
import java.util.Map;

/**
 * The HLC fences the lanes read and advance: per (subprocessor, topic, row key) the highest {@code
 * updated} handled. {@link FenceStore} keeps them in the database; unit tests keep them in memory.
 * Implementations are thread-safe and never move a fence backwards.
 */
interface Fences {
  /** Identifies one fence within a topic. */
  record Key(String subprocessor, String rowKey) {}

  /**
   * The stored fences of {@code rowKeys} for {@code subprocessors} on {@code topic}; keys without a
   * fence are absent from the result.
   */
  Map<Key, Hlc> load(String topic, Collection<String> subprocessors, Collection<String> rowKeys);

  /**
   * Raises the fences of {@code highest} (row key -> HLC) for one subprocessor; a fence that is
   * already higher stays.
   */
  void advance(String topic, String subprocessor, Map<String, Hlc> highest);
}
