package io.stockflow.changefeed.consumer;

import io.opentelemetry.context.Context;
import io.stockflow.changefeed.ChangeEvent;
import java.util.Objects;

/**
 * A decoded change together with the original bytes, which a dead letter must carry unchanged.
 * Immutable by convention (the arrays are never modified).
 *
 * @param rawKey the message key as received, never null for a change
 * @param rawValue the message value as received
 * @param trace the context holding the change's receive span, which its process spans descend from
 *     ({@link Context#root()} when tracing is off; see {@link ChangeTracing})
 */
record Delivery(ChangeEvent event, byte[] rawKey, byte[] rawValue, Context trace) {
  public Delivery {
    Objects.requireNonNull(event, "event");
    Objects.requireNonNull(trace, "trace");
  }
}
