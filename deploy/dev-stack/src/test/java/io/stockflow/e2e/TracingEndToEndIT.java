package io.stockflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SpanProcessor;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import io.stockflow.changefeed.Hlc;
import io.stockflow.dev.DevStack;
import jakarta.inject.Singleton;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.parallel.ResourceLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One trace from a row change to what it caused, on the real embedded stack: an associate's SQL
 * write below the reorder point travels PostgreSQL → changefeed bridge → Kafka → consumer → restock
 * subprocessor → Temporal, and the restock workflow's purchase-order activity span descends from
 * the span of the consumed changefeed message. The platform's spans go to an in-memory exporter
 * ({@link InMemorySpans}, switched on by one of {@link SharedDevStack}'s properties).
 */
@ResourceLock(SharedDevStack.LOCK)
class TracingEndToEndIT {
  private static final Logger log = LoggerFactory.getLogger(TracingEndToEndIT.class);
  private static final String SKU = "TRACING-TERIYAKI-8OZ";
  private static final String LOCATION = "NYC-DARK";
  private static final String WORKFLOW_ID = "restock/" + SKU + "/" + LOCATION;
  private static final String ROW = "sku = '" + SKU + "' AND location_id = '" + LOCATION + "'";
  private static final AttributeKey<String> WORKFLOW_ID_TAG = AttributeKey.stringKey("workflowId");

  @RegisterExtension static final SharedDevStack shared = new SharedDevStack();
  static DevStack stack;
  static InMemorySpanExporter spans;

  @BeforeAll
  static void ownRow() {
    stack = shared.get();
    spans = stack.platform().getBean(InMemorySpanExporter.class);
    shared.addSku(SKU);
  }

  /** The platform's spans in memory: any {@link SpanProcessor} bean switches its tracing on. */
  @Factory
  @Requires(property = InMemorySpans.PROPERTY, value = "true")
  public static class InMemorySpans {
    static final String PROPERTY = "test.tracing.in-memory";

    @Singleton
    InMemorySpanExporter exporter() {
      return InMemorySpanExporter.create();
    }

    @Singleton
    SpanProcessor processor(InMemorySpanExporter exporter) {
      return SimpleSpanProcessor.create(exporter);
    }
  }

  @Test
  void thePurchaseOrderActivityOfARestockDescendsFromTheSpanOfTheChangefeedMessage()
      throws Exception {
    // NYC-DARK: on_hand 30, reorder point 8, max stock 50 (as seeded). 5 units left: restock.
    sql("UPDATE inventory_levels SET on_hand = 5 WHERE " + ROW);
    long ordered =
        Long.parseLong(
            await("the purchase order")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(500))
                .until(
                    () -> queryOne("SELECT quantity FROM purchase_orders WHERE " + ROW),
                    q -> q != null));
    // The goods arrive: the restock workflow sees the receipt and completes, which ends its run's
    // span (a span is exported when it ends; a run evicted from the worker's cache and replayed, as
    // after an UnhandledCommand race, ends one early and starts another).
    sql(
        "UPDATE inventory_levels SET on_hand = on_hand + "
            + ordered
            + ", in_transit_in = in_transit_in - "
            + ordered
            + " WHERE "
            + ROW);
    List<SpanData> chain =
        await("the purchase-order activity's ancestors, up to a root")
            .atMost(Duration.ofSeconds(90))
            .pollInterval(Duration.ofMillis(500))
            .until(
                () ->
                    finished("RunActivity:OpenEpisode", WORKFLOW_ID).stream()
                        .findFirst()
                        .map(activity -> ancestry(activity, spans.getFinishedSpanItems()))
                        .orElse(List.of()),
                c -> !c.isEmpty() && !c.get(c.size() - 1).getParentSpanContext().isValid());
    SpanData purchaseOrder = chain.get(0);
    log.info(
        "the purchase order's trace:\n{}",
        tree(chain.get(chain.size() - 1), spans.getFinishedSpanItems()));
    assertThat(chain)
        .extracting(SpanData::getName)
        .containsExactly(
            "RunActivity:OpenEpisode",
            "StartActivity:OpenEpisode",
            "RunWorkflow:RestockWorkflow",
            "SignalWithStartWorkflow:RestockWorkflow",
            "restock process",
            "receive inventory_levels");
    assertThat(chain).extracting(SpanData::getTraceId).containsOnly(purchaseOrder.getTraceId());
    assertThat(chain.subList(0, 4))
        .extracting(s -> s.getAttributes().get(WORKFLOW_ID_TAG))
        .containsOnly(WORKFLOW_ID);

    SpanData message = chain.get(5);
    assertThat(message.getParentSpanContext().isValid()).as("the trace's root").isFalse();
    // The change the SQL write made, as the audit log recorded it from the same message.
    Hlc updated =
        Hlc.parse(
            queryOne(
                "SELECT updated_hlc FROM inventory_changes WHERE row_key = '[\""
                    + SKU
                    + "\",\""
                    + LOCATION
                    + "\"]' AND before_row->>'on_hand' = '30' AND after_row->>'on_hand' = '5'"));
    assertThat(message.getStartEpochNanos())
        .as("starts at the commit")
        .isEqualTo(updated.wallNanos());
    long delayMillis = (message.getEndEpochNanos() - message.getStartEpochNanos()) / 1_000_000;
    assertThat(delayMillis).isBetween(0L, 60_000L);
    Map<String, Object> attributes =
        message.getAttributes().asMap().entrySet().stream()
            .collect(Collectors.toMap(e -> e.getKey().getKey(), Map.Entry::getValue));
    assertThat(attributes)
        .containsEntry("messaging.destination.name", "inventory_levels")
        .containsEntry("stockflow.changefeed.key", "[\"" + SKU + "\",\"" + LOCATION + "\"]")
        .containsEntry("stockflow.changefeed.updated", updated.toString())
        .containsEntry("stockflow.changefeed.operation", "update")
        .containsEntry("stockflow.changefeed.replay", false)
        .containsEntry("stockflow.changefeed.commit_to_consume_ms", delayMillis)
        .containsKeys("messaging.destination.partition.id", "messaging.kafka.offset");
    assertThat(chain.get(4).getAttributes().get(AttributeKey.stringKey("stockflow.subprocessor")))
        .isEqualTo("restock");
  }

  /** Finished spans named {@code name} of the workflow {@code workflowId}. */
  private static List<SpanData> finished(String name, String workflowId) {
    return spans.getFinishedSpanItems().stream()
        .filter(s -> s.getName().equals(name))
        .filter(s -> workflowId.equals(s.getAttributes().get(WORKFLOW_ID_TAG)))
        .toList();
  }

  /** {@code span}, its parent, its parent's parent … as far as finished spans reach. */
  private static List<SpanData> ancestry(SpanData span, List<SpanData> all) {
    Map<String, SpanData> byId =
        all.stream().collect(Collectors.toMap(SpanData::getSpanId, Function.identity()));
    List<SpanData> chain = new ArrayList<>();
    for (SpanData s = span; s != null; s = byId.get(s.getParentSpanId())) chain.add(s);
    return chain;
  }

  /** The finished spans of {@code root}'s trace as an indented tree, for the log. */
  private static String tree(SpanData root, List<SpanData> all) {
    StringBuilder out = new StringBuilder();
    appendTree(root, all, "", out);
    return out.toString();
  }

  private static void appendTree(
      SpanData span, List<SpanData> all, String indent, StringBuilder out) {
    out.append(indent).append(span.getName()).append('\n');
    all.stream()
        .filter(s -> s.getParentSpanId().equals(span.getSpanId()))
        .sorted(Comparator.comparingLong(SpanData::getStartEpochNanos))
        .forEach(child -> appendTree(child, all, indent + "  ", out));
  }

  private static void sql(String statement) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl());
        Statement s = c.createStatement()) {
      s.executeUpdate(statement);
    }
  }

  private static String queryOne(String query) throws Exception {
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl());
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(query)) {
      return rs.next() ? rs.getString(1) : null;
    }
  }
}
