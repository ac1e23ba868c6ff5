package io.stockflow.changefeed.consumer;

import static io.stockflow.changefeed.consumer.Envelopes.at;
import static io.stockflow.changefeed.consumer.Envelopes.change;
import static io.stockflow.changefeed.consumer.Envelopes.key;
import static io.stockflow.changefeed.consumer.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.EventData;
import io.opentelemetry.sdk.trace.data.LinkData;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.stockflow.changefeed.Hlc;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The consumer's spans (see {@link ChangeTracing}) against the real embedded Kafka broker and
 * PostgreSQL, exported to memory: one trace per change, a process span per call as its child, and
 * what coalescing, batching and retries look like in them.
 */
class ChangefeedTracingIT {
  @RegisterExtension static final ChangefeedStack stack = new ChangefeedStack();

  private static final InMemorySpanExporter spans = InMemorySpanExporter.create();
  private static final OpenTelemetrySdk otel =
      OpenTelemetrySdk.builder()
          .setTracerProvider(
              SdkTracerProvider.builder()
                  .addSpanProcessor(SimpleSpanProcessor.create(spans))
                  .build())
          .build();

  private final List<ChangefeedProcessor> processors = new ArrayList<>();

  @AfterEach
  void closeProcessors() {
    processors.forEach(ChangefeedProcessor::close);
  }

  @AfterAll
  static void closeSdk() {
    otel.close();
  }

  private void start(String topic, RecordingSubprocessor... subs) {
    ChangefeedConfig config =
        ChangefeedConfig.builder()
            .bootstrapServers(stack.bootstrap())
            .groupId("g-" + UUID.randomUUID())
            .topic(topic, List.of(subs))
            .retry(new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40)))
            .pollTimeout(Duration.ofMillis(200))
            .openTelemetry(otel)
            .build();
    ChangefeedProcessor p =
        new ChangefeedProcessor(config, stack.dataSource(), new SimpleMeterRegistry());
    processors.add(p);
    p.start();
  }

  /** Waits until exactly {@code n} finished spans match, and returns them. */
  private static List<SpanData> finished(int n, String what, Predicate<SpanData> matching) {
    return await(what)
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> spans.getFinishedSpanItems().stream().filter(matching).toList(),
            l -> l.size() == n);
  }

  private static Predicate<SpanData> named(String name) {
    return s -> s.getName().equals(name);
  }

  private static SpanData receiveSpanOf(String topic, Hlc updated) {
    return finished(
            1,
            "receive span at " + updated,
            s ->
                s.getName().equals("receive " + topic)
                    && updated.toString().equals(s.getAttributes().get(ChangeTracing.UPDATED)))
        .get(0);
  }

  @Test
  void eachChangeIsTheRootOfItsTraceAndEveryProcessCallAChildThatIsCurrentWhileItRuns()
      throws Exception {
    String topic = stack.newTopic("traced", 1);
    RecordingSubprocessor audit = new RecordingSubprocessor("audit-" + topic);
    RecordingSubprocessor restock = new RecordingSubprocessor("restock-" + topic);
    Map<String, SpanContext> currentDuringProcess = new ConcurrentHashMap<>();
    for (RecordingSubprocessor s : List.of(audit, restock))
      s.during = e -> currentDuringProcess.put(s.name(), Span.current().getSpanContext());
    start(topic, audit, restock);
    stack.send(
        topic, 0, key("JERKY", "SEA1"), change(row("JERKY", "SEA1", 4, "", at(5)), "null", at(5)));

    SpanData receive = receiveSpanOf(topic, at(5));
    assertThat(receive.getKind()).isEqualTo(SpanKind.CONSUMER);
    assertThat(receive.getParentSpanContext().isValid()).as("a root: no parent").isFalse();
    // From the commit to the moment it was consumed: its length is the commit->consume delay.
    assertThat(receive.getStartEpochNanos()).isEqualTo(at(5).wallNanos());
    long delayMillis = (receive.getEndEpochNanos() - receive.getStartEpochNanos()) / 1_000_000;
    assertThat(receive.getAttributes().asMap())
        .isEqualTo(
            Attributes.builder()
                .put(ChangeTracing.TOPIC, topic)
                .put(ChangeTracing.PARTITION, "0")
                .put(ChangeTracing.OFFSET, 0L)
                .put(ChangeTracing.KEY, Envelopes.keyString("JERKY", "SEA1"))
                .put(ChangeTracing.UPDATED, at(5).toString())
                .put(ChangeTracing.OPERATION, "insert")
                .put(ChangeTracing.REPLAY, false)
                .put(ChangeTracing.COMMIT_TO_CONSUME_MS, delayMillis)
                .build()
                .asMap());
    assertThat(delayMillis).isGreaterThanOrEqualTo(60_000); // Envelopes' base is a minute ago

    for (RecordingSubprocessor s : List.of(audit, restock)) {
      SpanData process = finished(1, s.name() + " process", named(s.name() + " process")).get(0);
      assertThat(process.getParentSpanId()).isEqualTo(receive.getSpanId());
      assertThat(process.getTraceId()).isEqualTo(receive.getTraceId());
      assertThat(process.getAttributes().get(ChangeTracing.SUBPROCESSOR)).isEqualTo(s.name());
      assertThat(process.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
      assertThat(process.getEvents()).isEmpty();
      assertThat(currentDuringProcess.get(s.name()))
          .as("the span current inside process(), which the calls it makes descend from")
          .isEqualTo(process.getSpanContext());
    }
  }

  @Test
  void aCoalescedChangeHasNoProcessSpanButIsLinkedFromTheOneOfTheChangeThatAbsorbedIt()
      throws Exception {
    String topic = stack.newTopic("coalesced", 1);
    // Sent before the consumer starts: its first poll, one lane batch, holds both.
    stack.send(topic, 0, key("A", "SEA1"), change(row("A", "SEA1", 1, "", at(1)), "null", at(1)));
    stack.send(topic, 0, key("A", "PDX1"), change(row("A", "PDX1", 2, "", at(2)), "null", at(2)));
    RecordingSubprocessor sync =
        new RecordingSubprocessor("sync-" + topic).coalesceBy(e -> e.keyPart(0));
    start(topic, sync);

    SpanData older = receiveSpanOf(topic, at(1));
    SpanData newer = receiveSpanOf(topic, at(2));
    SpanData process =
        finished(1, "the survivor's process span", named(sync.name() + " process")).get(0);
    assertThat(process.getParentSpanId()).isEqualTo(newer.getSpanId());
    assertThat(process.getAttributes().get(ChangeTracing.COALESCED)).isEqualTo(1L);
    assertThat(process.getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(older.getSpanContext());
    assertThat(sync.seen).hasSize(1);
  }

  @Test
  void aChunkOfSeveralChangesIsTheRootOfItsOwnTraceLinkedToEachOfThem() throws Exception {
    String topic = stack.newTopic("batched", 1);
    stack.send(topic, 0, key("A", "SEA1"), change(row("A", "SEA1", 1, "", at(1)), "null", at(1)));
    stack.send(topic, 0, key("B", "SEA1"), change(row("B", "SEA1", 2, "", at(2)), "null", at(2)));
    RecordingSubprocessor audit = new RecordingSubprocessor("audit-" + topic).batches(10);
    start(topic, audit);

    SpanData first = receiveSpanOf(topic, at(1));
    SpanData second = receiveSpanOf(topic, at(2));
    SpanData batch = finished(1, "the chunk's span", named(audit.name() + " processBatch")).get(0);
    assertThat(batch.getParentSpanContext().isValid()).isFalse();
    assertThat(batch.getTraceId()).isNotIn(first.getTraceId(), second.getTraceId());
    assertThat(batch.getAttributes().get(ChangeTracing.BATCH_SIZE)).isEqualTo(2L);
    assertThat(batch.getLinks())
        .extracting(LinkData::getSpanContext)
        .containsExactly(first.getSpanContext(), second.getSpanContext());

    // A chunk of one change is traced like a process call: a child of its receive span.
    stack.send(topic, 0, key("C", "SEA1"), change(row("C", "SEA1", 3, "", at(3)), "null", at(3)));
    SpanData third = receiveSpanOf(topic, at(3));
    SpanData single =
        finished(
                1,
                "the one-change chunk's span",
                s -> s.getName().equals(audit.name() + " processBatch") && s.getLinks().isEmpty())
            .get(0);
    assertThat(single.getParentSpanId()).isEqualTo(third.getSpanId());
    assertThat(single.getAttributes().get(ChangeTracing.BATCH_SIZE)).isEqualTo(1L);
  }

  @Test
  void failedAttemptsAreEventsOfTheProcessSpanAndAFinalFailureItsErrorStatus() throws Exception {
    String topic = stack.newTopic("retried", 1);
    AtomicInteger attempts = new AtomicInteger();
    RecordingSubprocessor flaky =
        new RecordingSubprocessor("flaky-" + topic)
            // The first change fails once, then succeeds; the second fails every attempt.
            .failWhen(e -> e.keyPart(0).equals("B") || attempts.getAndIncrement() == 0);
    start(topic, flaky);
    stack.send(topic, 0, key("A", "SEA1"), change(row("A", "SEA1", 1, "", at(1)), "null", at(1)));
    stack.send(topic, 0, key("B", "SEA1"), change(row("B", "SEA1", 2, "", at(2)), "null", at(2)));

    List<SpanData> process = finished(2, "both process spans", named(flaky.name() + " process"));
    String a = receiveSpanOf(topic, at(1)).getSpanId();
    String b = receiveSpanOf(topic, at(2)).getSpanId();
    assertThat(process).extracting(SpanData::getParentSpanId).containsExactlyInAnyOrder(a, b);
    SpanData recovered = process.get(process.get(0).getParentSpanId().equals(a) ? 0 : 1);
    SpanData failed = process.get(process.get(0).getParentSpanId().equals(a) ? 1 : 0);
    assertThat(recovered.getStatus().getStatusCode()).isEqualTo(StatusCode.UNSET);
    assertThat(recovered.getEvents())
        .extracting(EventData::getName, e -> e.getAttributes().get(ChangeTracing.ATTEMPTS))
        .containsExactly(org.assertj.core.groups.Tuple.tuple("exception", 1L));

    assertThat(failed.getStatus().getStatusCode()).isEqualTo(StatusCode.ERROR);
    assertThat(failed.getStatus().getDescription())
        .isEqualTo("java.lang.IllegalStateException: downstream of " + flaky.name() + " is down");
    assertThat(failed.getAttributes().get(ChangeTracing.ATTEMPTS)).isEqualTo(3L);
    assertThat(failed.getEvents()).hasSize(3);
  }
}
