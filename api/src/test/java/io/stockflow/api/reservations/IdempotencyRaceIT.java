package io.stockflow.api.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Retries that arrive together (a client timing out and retrying while the first attempt still
 * runs) hold the stock once: the losers' transactions roll back on the primary key and answer with
 * the winner's result.
 */
@MicronautTest
class IdempotencyRaceIT extends ApiIT {
  private static final int PARALLEL = 16;

  private List<Http.Response> fire(String body, String idempotencyKey) throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(PARALLEL);
    CountDownLatch start = new CountDownLatch(1);
    List<Future<Http.Response>> futures = new ArrayList<>();
    try {
      for (int i = 0; i < PARALLEL; i++) {
        futures.add(
            pool.submit(
                () -> {
                  start.await();
                  return channel().post("/reservations", body, idempotencyKey);
                }));
      }
      start.countDown();
      List<Http.Response> responses = new ArrayList<>();
      for (Future<Http.Response> f : futures) responses.add(f.get());
      return responses;
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void parallelRetriesWithOneIdempotencyKeyHoldTheStockOnce() throws Exception {
    location("I1-L", "us-west");
    sku("I1-X");
    stock("I1-X", "I1-L", 100);
    String body =
        "{\"cartId\":\"c-i1\",\"lines\":[{\"lineNo\":1,\"sku\":\"I1-X\",\"quantity\":3}]}";

    List<Http.Response> responses = fire(body, "race-key");

    assertThat(responses).extracting(Http.Response::status).containsOnly(201);
    assertThat(responses).filteredOn(r -> r.replayed() == null).hasSize(1);
    assertThat(levels("I1-X", "I1-L").get(2)).isEqualTo(3L);
    assertThat(sql.fetchValue("SELECT count(*) FROM api_idempotency_keys")).isEqualTo(1L);
  }

  @Test
  void parallelIdenticalCartsWithoutAKeyHoldTheStockOnce() throws Exception {
    location("I2-L", "us-west");
    sku("I2-X");
    stock("I2-X", "I2-L", 100);
    String body =
        "{\"cartId\":\"c-i2\",\"lines\":[{\"lineNo\":1,\"sku\":\"I2-X\",\"quantity\":3}]}";

    List<Http.Response> responses = fire(body, null);

    assertThat(responses).extracting(Http.Response::status).containsOnly(201, 200);
    assertThat(responses).filteredOn(r -> r.status() == 201).hasSize(1);
    assertThat(levels("I2-X", "I2-L").get(2)).isEqualTo(3L);
  }
}
