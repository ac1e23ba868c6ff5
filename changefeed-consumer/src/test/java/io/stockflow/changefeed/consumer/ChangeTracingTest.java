package io.stockflow.changefeed.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.context.Context;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Tracing off, the default: nothing is built, and the calls run as they would without it. */
class ChangeTracingTest {
  private static final ChangeEvent EVENT =
      new ChangeEvent(
          "inventory_levels",
          0,
          7,
          JsonNodeFactory.instance.arrayNode().add("JERKY").add("SEA1"),
          null,
          JsonNodeFactory.instance.objectNode(),
          new Hlc(1, 0),
          Operation.INSERT,
          false);

  @Test
  void theNoopOpenTelemetryTurnsTracingOffAndLeavesNoSpanCurrent() {
    ChangeTracing off = ChangeTracing.of(OpenTelemetry.noop());
    assertThat(off).isSameAs(ChangeTracing.OFF);
    assertThat(off.enabled()).isFalse();
    Context trace = off.received(EVENT);
    assertThat(trace).isSameAs(Context.root());

    Delivery d = new Delivery(EVENT, new byte[0], new byte[0], trace);
    Failure failure =
        Failure.of(
            new IllegalStateException("x"), 1, java.time.Instant.EPOCH, java.time.Instant.EPOCH);
    assertThat(
            off.process(
                "restock",
                d,
                List.of(),
                () -> {
                  assertThat(Span.current().getSpanContext().isValid()).isFalse();
                  return failure;
                }))
        .isSameAs(failure);
    assertThat(off.processBatch("audit-log", List.of(d, d), () -> null)).isNull();
  }
}
