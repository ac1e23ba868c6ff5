package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.api.OpenTelemetry;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Tracing is off unless configured, and when configured its spans leave over OTLP/HTTP. */
class TracingTest {
  record Received(String method, String path, String contentType, byte[] body) {}

  @Test
  void offByDefaultItIsTheNoopImplementationWithNoTemporalInterceptors() {
    try (Tracing tracing =
        new Tracing(new TracingConfiguration(null, "stockflow", 1.0), List.of())) {
      assertThat(tracing.enabled()).isFalse();
      assertThat(tracing.openTelemetry()).isSameAs(OpenTelemetry.noop());
      assertThat(tracing.clientInterceptors()).isEmpty();
      assertThat(tracing.workerInterceptors()).isEmpty();
    }
  }

  @Test
  void withAnOtlpEndpointSpansArePostedToItsTracesPathAsProtobuf() throws IOException {
    List<Received> received = new CopyOnWriteArrayList<>();
    HttpServer collector = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    collector.createContext(
        "/",
        exchange -> {
          try (InputStream in = exchange.getRequestBody()) {
            received.add(
                new Received(
                    exchange.getRequestMethod(),
                    exchange.getRequestURI().getPath(),
                    exchange.getRequestHeaders().getFirst("Content-Type"),
                    in.readAllBytes()));
          }
          exchange.sendResponseHeaders(200, -1);
          exchange.close();
        });
    collector.start();
    try {
      String endpoint = "http://127.0.0.1:" + collector.getAddress().getPort() + "/";
      Tracing tracing =
          new Tracing(new TracingConfiguration(endpoint, "stockflow-test", 1.0), List.of());
      assertThat(tracing.enabled()).isTrue();
      assertThat(tracing.clientInterceptors()).hasSize(1);
      assertThat(tracing.workerInterceptors()).hasSize(1);
      tracing
          .openTelemetry()
          .getTracer("test")
          .spanBuilder("receive inventory_levels")
          .startSpan()
          .end();
      tracing.close(); // flushes the batch processor

      assertThat(received).hasSize(1);
      Received r = received.get(0);
      assertThat(r.method()).isEqualTo("POST");
      assertThat(r.path()).isEqualTo("/v1/traces");
      assertThat(r.contentType()).isEqualTo("application/x-protobuf");
      String body = new String(r.body(), StandardCharsets.ISO_8859_1);
      assertThat(body).contains("receive inventory_levels").contains("stockflow-test");
    } finally {
      collector.stop(0);
    }
  }

  @Test
  void aSampleRatioOfZeroRecordsNoChange() {
    var exporter = io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter.create();
    try (Tracing tracing =
        new Tracing(
            new TracingConfiguration(null, "stockflow", 0.0),
            List.of(io.opentelemetry.sdk.trace.export.SimpleSpanProcessor.create(exporter)))) {
      tracing.openTelemetry().getTracer("test").spanBuilder("receive orders").startSpan().end();
      assertThat(exporter.getFinishedSpanItems()).isEmpty();
    }
  }

  @Test
  void aBadEndpointOrRatioFailsAtStartWithTheProperty() {
    assertThatThrownBy(() -> new TracingConfiguration("otel-collector:4318", "stockflow", 1.0))
        .hasMessageContaining("stockflow.tracing.otlp-endpoint must be an http(s) URL");
    assertThatThrownBy(() -> new TracingConfiguration(null, "stockflow", 1.5))
        .hasMessageContaining("stockflow.tracing.sample-ratio must be between 0 and 1");
    assertThat(new TracingConfiguration(" ", "stockflow", 1.0).otlpEndpoint()).isNull();
    assertThat(new TracingConfiguration("https://c:4318//", "s", 1.0).tracesUrl())
        .isEqualTo("https://c:4318/v1/traces");
  }
}
