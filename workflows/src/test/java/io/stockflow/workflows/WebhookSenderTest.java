package io.stockflow.workflows;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.temporal.failure.ApplicationFailure;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class WebhookSenderTest {
  HttpServer server;
  final List<String> received = new ArrayList<>();
  final WebhookSender sender = new WebhookSender(Duration.ofSeconds(5));

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          received.add(
              exchange.getRequestHeaders().getFirst("Idempotency-Key")
                  + " "
                  + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
          int status = Integer.parseInt(exchange.getRequestURI().getPath().substring(1));
          exchange.sendResponseHeaders(status, -1);
          exchange.close();
        });
    server.start();
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  String url(int status) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/" + status;
  }

  @Test
  void a2xxIsDeliveredWithTheIdempotencyKeyAndAJsonBody() {
    sender.post(url(204), "k-1", Map.of("sku", "A"));
    assertThat(received).containsExactly("k-1 {\"sku\":\"A\"}");
  }

  @Test
  void serverErrorsTimeoutsAndThrottlingAreRetryable() {
    for (int status : new int[] {500, 503, 408, 429}) {
      assertThatThrownBy(() -> sender.post(url(status), "k", Map.of()))
          .isNotInstanceOf(ApplicationFailure.class)
          .hasMessageContaining(Integer.toString(status));
    }
  }

  @Test
  void otherClientErrorsFailWithoutRetry() {
    assertThatThrownBy(() -> sender.post(url(400), "k", Map.of()))
        .isInstanceOfSatisfying(
            ApplicationFailure.class,
            f -> {
              assertThat(f.isNonRetryable()).isTrue();
              assertThat(f.getType()).isEqualTo(WebhookSender.REJECTED);
            });
  }

  @Test
  void anUnreachableReceiverIsRetryable() {
    server.stop(0);
    assertThatThrownBy(() -> sender.post(url(200), "k", Map.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("unreachable");
  }
}
