package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Hlc;
import java.time.Instant;

/**
 * Told of every change a subprocessor processed successfully (not of skipped, coalesced or
 * dead-lettered ones), e.g. for a benchmark's exact latency percentiles. Registered with {@code
 * ChangefeedProcessor.addHandledListener}. Called on the subprocessor's threads, concurrently:
 * implementations must be thread-safe, cheap and must not throw.
 */
@FunctionalInterface
public interface HandledListener {
  /**
   * @param updated the change's commit timestamp (its changefeed {@code updated})
   * @param handledAt when {@code process} (or the {@code processBatch} holding it) returned
   */
  void handled(String topic, String subprocessor, Hlc updated, Instant handledAt);
}
