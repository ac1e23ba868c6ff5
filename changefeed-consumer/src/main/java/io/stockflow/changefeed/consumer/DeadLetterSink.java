package io.stockflow.changefeed.consumer;

import java.util.List;

/**
 * Where the topic consumer and the dispatchers put what they dead-letter: {@link
 * DeadLetterWriter#writeAll} in production. Thread-safe.
 */
@FunctionalInterface
interface DeadLetterSink {
  /**
   * Makes the letters durable before it returns, or throws: the caller must then not count their
   * offsets as finished, so no commit passes a lost letter.
   */
  void writeAll(List<DeadLetterWriter.Letter> letters);
}
