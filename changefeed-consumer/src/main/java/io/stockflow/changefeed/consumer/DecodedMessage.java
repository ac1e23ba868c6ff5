package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;

/** What one changefeed message turned out to be. Immutable. */
sealed interface DecodedMessage {

  /** A row change. */
  record Change(ChangeEvent event) implements DecodedMessage {}

  /**
   * A resolved timestamp: every change at or before {@code resolved} has been emitted to this
   * partition.
   */
  record Resolved(String topic, int partition, long offset, Hlc resolved)
      implements DecodedMessage {}
}
