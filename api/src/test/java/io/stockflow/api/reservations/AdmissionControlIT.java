package io.stockflow.api.reservations;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/**
 * Beyond {@code max-queue} requests waiting for one (sku, location), the API answers 429 with
 * Retry-After at once, changes nothing for them, and still serves the admitted ones.
 */
@MicronautTest
class AdmissionControlIT extends ApiIT {
  @Inject ReservationBatcher batcher;

  @Override
  protected Map<String, String> moreProperties() {
    return Map.of(
        "stockflow.reservations.max-queue", "2", "stockflow.reservations.retry-after", "3s");
  }

  private static String cart(String cartId) {
    return "{\"cartId\":\""
        + cartId
        + "\",\"lines\":[{\"lineNo\":1,\"sku\":\"AC-X\",\"quantity\":1}]}";
  }

  @Test
  void aFullQueueAnswers429WithRetryAfterAndTheAdmittedRequestsComplete() throws Exception {
    location("AC-A", "us-west");
    sku("AC-X");
    stock("AC-X", "AC-A", 10);
    ReservationBatcher.Key key = new ReservationBatcher.Key("AC-X", "AC-A");
    ExecutorService pool = Executors.newFixedThreadPool(4);
    try (Connection lockHolder = DriverManager.getConnection(jdbcUrl())) {
      // Hold the row lock so the first batch blocks in flight and the queue behind it fills.
      lockHolder.setAutoCommit(false);
      lockHolder
          .createStatement()
          .executeUpdate("UPDATE inventory_levels SET last_updated = now() WHERE sku = 'AC-X'");

      List<CompletableFuture<Http.Response>> admitted = new ArrayList<>();
      admitted.add(
          CompletableFuture.supplyAsync(() -> channel().post("/reservations", cart("ac-0")), pool));
      // The first request is the batch in flight (blocked on the lock): nothing waits yet.
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  sql.fetchOne(
                              "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type ="
                                  + " 'Lock' AND query LIKE 'update%inventory_levels%'")
                          .get(0, Long.class)
                      >= 1);
      for (int i = 1; i <= 2; i++) {
        String body = cart("ac-" + i);
        admitted.add(
            CompletableFuture.supplyAsync(() -> channel().post("/reservations", body), pool));
      }
      await().atMost(Duration.ofSeconds(20)).until(() -> batcher.waiting(key) == 2);
      List<String> before = snapshot();

      for (int i = 3; i < 8; i++) {
        Http.Response r = channel().post("/reservations", cart("ac-" + i));
        assertThat(r.status()).isEqualTo(429);
        assertThat(r.contentType()).startsWith("application/problem+json");
        assertThat(r.problemType()).isEqualTo("too-many-requests");
        assertThat(r.retryAfter()).isEqualTo("3");
        assertThat(r.body().path("retryAfterSeconds").asLong()).isEqualTo(3);
      }
      assertThat(snapshot()).isEqualTo(before);

      lockHolder.rollback();
      for (CompletableFuture<Http.Response> f : admitted) {
        assertThat(f.get().status()).isEqualTo(201);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(levels("AC-X", "AC-A").get(2)).isEqualTo(3L);
    // Once the queue has drained, the same request is admitted.
    assertThat(channel().post("/reservations", cart("ac-3")).status()).isEqualTo(201);
  }
}
