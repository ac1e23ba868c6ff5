package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.ChangeEvent;
import java.util.Objects;

/**
 * A decoded change together with the original bytes, which a dead letter must carry unchanged.
 * Immutable by convention (the arrays are never modified).
 *
 * @param rawKey the message key as received, never null for a change
 * @param rawValue the message value as received
 */
record Delivery(ChangeEvent event, byte[] rawKey, byte[] rawValue) {
  public Delivery {
    Objects.requireNonNull(event, "event");
  }
}
