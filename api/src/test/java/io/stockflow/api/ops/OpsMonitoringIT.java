package io.stockflow.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import jakarta.inject.Inject;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The read endpoints the ops console uses, and re-drive of every pending letter. */
@MicronautTest
class OpsMonitoringIT extends ApiIT {
  @Inject FakeOpsBackend backend;

  @Test
  void lanesCarryPerTopicAndSubprocessorNumbers() {
    Http.Response r = ops().get("/ops/lanes");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body()).hasSize(1);
    var lane = r.body().get(0);
    assertThat(lane.path("topic").asText()).isEqualTo("inventory_levels");
    assertThat(lane.path("subprocessor").asText()).isEqualTo("restock");
    assertThat(lane.path("consumerLag").asLong()).isEqualTo(3);
    assertThat(lane.path("watermarkAgeSeconds").asDouble()).isEqualTo(1.5);
    assertThat(lane.path("queuedRecords").asLong()).isEqualTo(12);
    assertThat(lane.path("totals").path("processed").asLong()).isEqualTo(10);
    assertThat(lane.path("totals").path("deadLettered").asLong()).isEqualTo(1);
    assertThat(lane.path("recent").path("processedPerSecond").asDouble()).isEqualTo(0.5);
    assertThat(lane.path("recent").path("meanLatencyMillis").asDouble()).isEqualTo(250.0);
    assertThat(lane.path("paused").asBoolean()).isFalse();

    ops().post("/ops/subprocessors/restock/pause", null);
    assertThat(ops().get("/ops/lanes").body().get(0).path("paused").asBoolean()).isTrue();
  }

  @Test
  void aDeadLetterIsShownWithItsPayloadAndUnknownOrMalformedIdsAreProblems() {
    Http.Response r = ops().get("/ops/dead-letters/" + FakeOpsBackend.LETTER);
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("letter").path("id").asText())
        .isEqualTo(FakeOpsBackend.LETTER.toString());
    assertThat(r.body().path("letter").path("errorMessage").asText()).isEqualTo("boom");
    assertThat(r.body().path("messageValue").asText()).isEqualTo(FakeOpsBackend.PAYLOAD);

    Http.Response unknown = ops().get("/ops/dead-letters/" + UUID.randomUUID());
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.contentType()).startsWith("application/problem+json");
    assertThat(unknown.problemType()).isEqualTo("dead-letter-not-found");

    Http.Response malformed = ops().get("/ops/dead-letters/not-a-uuid");
    assertThat(malformed.status()).isEqualTo(400);
    assertThat(malformed.contentType()).startsWith("application/problem+json");
  }

  @Test
  void redriveAllTriesEveryPendingLetterAndCountsWhatHappened() {
    backend.letterStatus.put(FakeOpsBackend.ORPHAN, "pending");
    UUID done = UUID.randomUUID();
    backend.letterStatus.put(done, "redriven");

    Http.Response r = ops().post("/ops/redrive-dead-letters?limit=10", null);

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("redriven").asInt()).isEqualTo(1);
    assertThat(r.body().path("failed").asInt()).isZero();
    // The orphan's subprocessor is not configured: skipped, still pending.
    assertThat(r.body().path("skipped").asInt()).isEqualTo(1);
    assertThat(r.body().path("results")).hasSize(2);
    assertThat(backend.letterStatus.get(FakeOpsBackend.LETTER)).isEqualTo("redriven");
    assertThat(backend.letterStatus.get(FakeOpsBackend.ORPHAN)).isEqualTo("pending");
    assertThat(backend.lastQuery).isEqualTo("null|pending|10");

    assertThat(ops().post("/ops/redrive-dead-letters?limit=501", null).status()).isEqualTo(400);
  }

  @Test
  void alertsAreListedNewestFirstAndFilteredByStatus() {
    sql.execute(
        "INSERT INTO alerts (episode_key, kind, sku, location_id, message, status, created_at)"
            + " VALUES ('low_stock/A/L1/1', 'low_stock', 'A', 'L1', 'A is low', 'open',"
            + " TIMESTAMPTZ '2026-01-01 00:00:00+00'),"
            + " ('out_of_stock/B/L1/1', 'out_of_stock', 'B', 'L1', 'B is out', 'open',"
            + " TIMESTAMPTZ '2026-01-02 00:00:00+00'),"
            + " ('low_stock/C/L1/1', 'low_stock', 'C', 'L1', 'C was low', 'resolved',"
            + " TIMESTAMPTZ '2026-01-03 00:00:00+00')");

    Http.Response open = ops().get("/ops/alerts?status=open");
    assertThat(open.status()).isEqualTo(200);
    assertThat(open.body()).hasSize(2);
    assertThat(open.body().get(0).path("sku").asText()).isEqualTo("B");
    assertThat(open.body().get(0).path("kind").asText()).isEqualTo("out_of_stock");
    assertThat(open.body().get(1).path("message").asText()).isEqualTo("A is low");
    assertThat(ops().get("/ops/alerts").body()).hasSize(3);
    assertThat(ops().get("/ops/alerts?limit=1").body().get(0).path("sku").asText()).isEqualTo("C");

    Http.Response bad = ops().get("/ops/alerts?status=closed");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.body().path("errors").get(0).path("field").asText()).isEqualTo("status");
  }

  @Test
  void onlyOpsMayReadThem() {
    assertThat(associate().get("/ops/lanes").status()).isEqualTo(403);
    assertThat(channel().get("/ops/alerts").status()).isEqualTo(403);
    assertThat(associate().post("/ops/redrive-dead-letters", null).status()).isEqualTo(403);
    assertThat(http(null).get("/ops/dead-letters/" + FakeOpsBackend.LETTER).status())
        .isEqualTo(401);
  }
}
