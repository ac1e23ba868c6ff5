package io.stockflow.workflows.support;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** A real HTTP endpoint on loopback that accepts every POST and remembers it. */
public final class WebhookReceiver implements AutoCloseable {
  /** One received request. */
  public record Delivery(String path, String idempotencyKey, String body) {}

  private final HttpServer server;
  public final List<Delivery> deliveries = Collections.synchronizedList(new ArrayList<>());

  public WebhookReceiver() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/",
        exchange -> {
          String body =
              new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
          deliveries.add(
              new Delivery(
                  exchange.getRequestURI().getPath(),
                  exchange.getRequestHeaders().getFirst("Idempotency-Key"),
                  body));
          exchange.sendResponseHeaders(204, -1);
          exchange.close();
        });
    server.start();
  }

  public String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  public List<Delivery> to(String path) {
    synchronized (deliveries) {
      return deliveries.stream().filter(d -> d.path().equals(path)).toList();
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
