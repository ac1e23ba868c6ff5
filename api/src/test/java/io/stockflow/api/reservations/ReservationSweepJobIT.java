package io.stockflow.api.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import java.time.Duration;
import java.util.Map;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The sweep runs by itself in the api role: a hold past its TTL and grace is released. */
@MicronautTest
class ReservationSweepJobIT extends ApiIT {

  @Override
  protected Map<String, String> moreProperties() {
    return Map.of(
        "stockflow.reservations.sweep.enabled", "true",
        "stockflow.reservations.sweep.interval", "200ms",
        "stockflow.reservations.sweep.grace", "0s");
  }

  @Test
  void thePeriodicSweepReleasesAHoldWhoseExpiryWorkflowNeverCame() {
    location("J1-L", "us-west");
    sku("J1-X");
    stock("J1-X", "J1-L", 5);
    String body =
        "{\"cartId\":\"c-j1\",\"lines\":[{\"lineNo\":1,\"sku\":\"J1-X\",\"quantity\":2}]}";
    assertThat(channel().post("/reservations", body).status()).isEqualTo(201);
    assertThat(levels("J1-X", "J1-L")).containsExactly(5L, 0L, 2L, 0L, 0L, 0L);

    // No changefeed, no Temporal here: as when that path is down. The TTL passes.
    sql.execute("UPDATE reservations SET expires_at = now() - interval '1 minute'");

    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .untilAsserted(
            () ->
                assertThat(sql.fetchValue("SELECT status FROM reservations WHERE id = 'c-j1:1'"))
                    .isEqualTo("expired"));
    assertThat(levels("J1-X", "J1-L")).containsExactly(5L, 0L, 0L, 0L, 0L, 0L);
  }
}
