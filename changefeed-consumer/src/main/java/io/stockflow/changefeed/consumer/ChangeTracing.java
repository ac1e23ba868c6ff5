package io.stockflow.changefeed.consumer;

import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.stockflow.changefeed.ChangeEvent;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The consumer's spans: one trace per change.
 *
 * <ul>
 *   <li><b>{@code receive <topic>}</b> (kind consumer, no parent: the root of the change's trace) —
 *       one per decoded change, from its commit (the wall time of {@code updated}; the consume time
 *       if the database's clock is ahead) to the moment the consumer decoded it, so its length is
 *       the commit→consume delay. Ended at once: the lanes handle the change later, each on its own
 *       schedule.
 *   <li><b>{@code <subprocessor> process}</b> — a child of the change's receive span per {@code
 *       process} call the framework makes for it (all of its retries inside; each failed attempt is
 *       an exception event), current while {@code process} runs, so what the subprocessor calls
 *       (the Temporal client, with its interceptor) descends from it. A change <em>coalesced</em>
 *       away (an older change of the same coalescing key in the lane's batch) gets no process span
 *       of its own: the newest change's span carries a link to each absorbed change's receive span
 *       and their number.
 *   <li><b>{@code <subprocessor> processBatch}</b> — one per {@code processBatch} chunk. A chunk of
 *       one change is a child of its receive span, like a process call. A chunk of several belongs
 *       to none of them: it is the root of a trace of its own with a link to the receive span of
 *       every change in it (the messaging conventions' batch receive), and what it calls descends
 *       from it.
 * </ul>
 *
 * Off ({@link OpenTelemetry#noop()}) costs one null check per change and per call: no span, no
 * attribute, no clock read. Thread-safe.
 */
final class ChangeTracing {
  static final AttributeKey<String> TOPIC = AttributeKey.stringKey("messaging.destination.name");
  static final AttributeKey<String> PARTITION =
      AttributeKey.stringKey("messaging.destination.partition.id");
  static final AttributeKey<Long> OFFSET = AttributeKey.longKey("messaging.kafka.offset");
  static final AttributeKey<String> KEY = AttributeKey.stringKey("stockflow.changefeed.key");
  static final AttributeKey<String> UPDATED =
      AttributeKey.stringKey("stockflow.changefeed.updated");
  static final AttributeKey<String> OPERATION =
      AttributeKey.stringKey("stockflow.changefeed.operation");
  static final AttributeKey<Boolean> REPLAY =
      AttributeKey.booleanKey("stockflow.changefeed.replay");
  static final AttributeKey<Long> COMMIT_TO_CONSUME_MS =
      AttributeKey.longKey("stockflow.changefeed.commit_to_consume_ms");
  static final AttributeKey<String> SUBPROCESSOR = AttributeKey.stringKey("stockflow.subprocessor");
  static final AttributeKey<Long> COALESCED =
      AttributeKey.longKey("stockflow.changefeed.coalesced");
  static final AttributeKey<Long> BATCH_SIZE =
      AttributeKey.longKey("stockflow.changefeed.batch_size");
  static final AttributeKey<Long> ATTEMPTS = AttributeKey.longKey("stockflow.changefeed.attempts");

  static final ChangeTracing OFF = new ChangeTracing(null);

  /** Null when tracing is off. */
  private final Tracer tracer;

  private ChangeTracing(Tracer tracer) {
    this.tracer = tracer;
  }

  static ChangeTracing of(OpenTelemetry openTelemetry) {
    return openTelemetry == OpenTelemetry.noop()
        ? OFF
        : new ChangeTracing(openTelemetry.getTracer("io.stockflow.changefeed"));
  }

  boolean enabled() {
    return tracer != null;
  }

  /**
   * Records the receive span of a change decoded just now; returns the context its process spans
   * descend from ({@link Context#root()} when off).
   */
  Context received(ChangeEvent e) {
    if (tracer == null) return Context.root();
    Instant consumedAt = Instant.now();
    Instant commit = e.updated().toInstant();
    Span span =
        tracer
            .spanBuilder("receive " + e.topic())
            .setNoParent()
            .setSpanKind(SpanKind.CONSUMER)
            .setStartTimestamp(commit.isAfter(consumedAt) ? consumedAt : commit)
            .setAttribute(TOPIC, e.topic())
            .setAttribute(PARTITION, Integer.toString(e.partition()))
            .setAttribute(OFFSET, e.offset())
            .setAttribute(KEY, e.keyString())
            .setAttribute(UPDATED, e.updated().toString())
            .setAttribute(OPERATION, e.operation().name().toLowerCase(java.util.Locale.ROOT))
            .setAttribute(REPLAY, e.replay())
            .setAttribute(COMMIT_TO_CONSUME_MS, Duration.between(commit, consumedAt).toMillis())
            .startSpan();
    span.end(consumedAt);
    return Context.root().with(span);
  }

  /**
   * Runs one {@code process} call (with its retries) of {@code subprocessor} for {@code d} inside
   * its process span.
   *
   * @param absorbed the changes coalesced into {@code d}, linked from its span
   * @return what {@code call} returned: null, or the failure that will be dead-lettered
   */
  Failure process(
      String subprocessor, Delivery d, List<Delivery> absorbed, Supplier<Failure> call) {
    if (tracer == null) return call.get();
    SpanBuilder b = tracer.spanBuilder(subprocessor + " process").setParent(d.trace());
    if (!absorbed.isEmpty()) {
      b.setAttribute(COALESCED, (long) absorbed.size());
      for (Delivery a : absorbed) b.addLink(Span.fromContext(a.trace()).getSpanContext());
    }
    return traced(b, subprocessor, call);
  }

  /** Runs one {@code processBatch} call (with its retries) inside its span; see the class doc. */
  Failure processBatch(String subprocessor, List<Delivery> chunk, Supplier<Failure> call) {
    if (tracer == null) return call.get();
    SpanBuilder b =
        tracer
            .spanBuilder(subprocessor + " processBatch")
            .setAttribute(BATCH_SIZE, (long) chunk.size());
    if (chunk.size() == 1) b.setParent(chunk.get(0).trace());
    else {
      b.setNoParent();
      for (Delivery d : chunk) b.addLink(Span.fromContext(d.trace()).getSpanContext());
    }
    return traced(b, subprocessor, call);
  }

  private static Failure traced(SpanBuilder b, String subprocessor, Supplier<Failure> call) {
    Span span = b.setAttribute(SUBPROCESSOR, subprocessor).startSpan();
    try (Scope ignored = span.makeCurrent()) {
      Failure f = call.get();
      if (f != null) {
        span.setAttribute(ATTEMPTS, (long) f.attempts());
        span.setStatus(StatusCode.ERROR, f.errorClass() + ": " + f.errorMessage());
      }
      return f;
    } catch (RuntimeException | Error e) { // an outage, or the batch given up
      span.recordException(e);
      span.setStatus(StatusCode.ERROR, e.toString());
      throw e;
    } finally {
      span.end();
    }
  }
}
