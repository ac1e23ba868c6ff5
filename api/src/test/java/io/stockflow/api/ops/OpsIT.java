package io.stockflow.api.ops;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import jakarta.inject.Inject;
import java.util.List;
import org.junit.jupiter.api.Test;

@MicronautTest
class OpsIT extends ApiIT {
  private static final String OLD = "TIMESTAMPTZ '2020-01-01 00:00:00+00'";

  @Inject FakeOpsBackend backend;

  /** Seeds P{n}-X at A and B, P{n}-Y at A, all last updated long ago; returns the prefix. */
  private String seedAndAge(int n) {
    String p = "P" + n + "-";
    location(p + "A", "us-west");
    location(p + "B", "us-east");
    sku(p + "X");
    sku(p + "Y");
    stock(p + "X", p + "A", 5);
    stock(p + "X", p + "B", 5);
    stock(p + "Y", p + "A", 5);
    age(p);
    return p;
  }

  private void age(String p) {
    sql.execute(
        "UPDATE inventory_levels SET last_updated = " + OLD + " WHERE sku LIKE '" + p + "%'");
  }

  /** Rows of the prefix touched since they were aged, as sku@location. */
  private List<String> touched(String p) {
    return sql.fetch(
            "SELECT sku || '@' || location_id FROM inventory_levels"
                + " WHERE sku LIKE '"
                + p
                + "%' AND last_updated > "
                + OLD
                + " ORDER BY 1")
        .getValues(0, String.class);
  }

  @Test
  void replayByKeyTouchesExactlyThatRowAndOnlyLastUpdated() {
    String p = seedAndAge(1);
    List<Long> before = levels(p + "X", p + "A");

    Http.Response r =
        ops()
            .post(
                "/ops/replay",
                "{\"table\":\"inventory_levels\",\"key\":[\"" + p + "X\",\"" + p + "A\"]}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("rowsTouched").asInt()).isEqualTo(1);
    assertThat(touched(p)).containsExactly(p + "X@" + p + "A");
    assertThat(levels(p + "X", p + "A")).isEqualTo(before);
  }

  @Test
  void replayByColumnFilterTouchesEveryMatchingRow() {
    String p = seedAndAge(2);
    Http.Response r =
        ops()
            .post(
                "/ops/replay",
                "{\"table\":\"inventory_levels\",\"filter\":{\"sku\":\"" + p + "X\"}}");
    assertThat(r.body().path("rowsTouched").asInt()).isEqualTo(2);
    assertThat(touched(p)).containsExactly(p + "X@" + p + "A", p + "X@" + p + "B");

    age(p);
    Http.Response typed =
        ops()
            .post(
                "/ops/replay",
                "{\"table\":\"inventory_levels\",\"filter\":{\"location_id\":\""
                    + p
                    + "A\",\"on_hand\":5}}");
    assertThat(typed.body().path("rowsTouched").asInt()).isEqualTo(2);
    assertThat(touched(p)).containsExactly(p + "X@" + p + "A", p + "Y@" + p + "A");
  }

  @Test
  void replayRefusesUnknownTablesColumnsBadValuesAndEmptyFiltersChangingNothing() {
    String p = seedAndAge(3);
    List<String> before = snapshot();

    Http.Response table =
        ops().post("/ops/replay", "{\"table\":\"skus; DROP TABLE x\",\"all\":true}");
    assertThat(table.status()).isEqualTo(400);
    assertThat(table.body().path("errors").get(0).path("field").asText()).isEqualTo("table");

    Http.Response column =
        ops()
            .post(
                "/ops/replay",
                "{\"table\":\"inventory_levels\",\"filter\":{\"sku = sku OR 1=1 --\":\"x\"}}");
    // A table outside the document's enum is malformed (400); the rest is well-formed JSON that
    // names what the table does not have: 422.
    assertThat(column.status()).isEqualTo(422);
    assertThat(column.body().path("detail").asText()).contains("no column");

    Http.Response nosuch =
        ops()
            .post(
                "/ops/replay", "{\"table\":\"inventory_levels\",\"filter\":{\"colour\":\"red\"}}");
    assertThat(nosuch.status()).isEqualTo(422);
    assertThat(nosuch.body().path("errors").get(0).path("field").asText())
        .isEqualTo("filter.colour");

    Http.Response badValue =
        ops()
            .post(
                "/ops/replay",
                "{\"table\":\"inventory_levels\",\"filter\":{\"on_hand\":\"lots\"}}");
    assertThat(badValue.status()).isEqualTo(422);
    assertThat(badValue.body().path("errors").get(0).path("field").asText())
        .isEqualTo("filter.on_hand");

    Http.Response shortKey =
        ops().post("/ops/replay", "{\"table\":\"inventory_levels\",\"key\":[\"" + p + "X\"]}");
    assertThat(shortKey.status()).isEqualTo(422);
    assertThat(shortKey.body().path("detail").asText()).contains("[sku, location_id]");

    Http.Response empty = ops().post("/ops/replay", "{\"table\":\"inventory_levels\"}");
    assertThat(empty.status()).isEqualTo(422);

    assertThat(snapshot()).isEqualTo(before);
    assertThat(touched(p)).isEmpty();
  }

  @Test
  void replayOfAWholeTableMustBeExplicit() {
    String p = seedAndAge(4);
    Http.Response r = ops().post("/ops/replay", "{\"table\":\"inventory_levels\",\"all\":true}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(touched(p))
        .containsExactly(p + "X@" + p + "A", p + "X@" + p + "B", p + "Y@" + p + "A");
  }

  @Test
  void deadLettersAreListedAndRedrivenThroughTheBackend() {
    Http.Response list = ops().get("/ops/dead-letters?status=pending&limit=10");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.body()).hasSize(1);
    assertThat(list.body().get(0).path("subprocessor").asText()).isEqualTo("restock");
    assertThat(backend.lastQuery).isEqualTo("null|pending|10");

    Http.Response redriven =
        ops().post("/ops/dead-letters/" + FakeOpsBackend.LETTER + "/redrive", null);
    assertThat(redriven.status()).isEqualTo(200);
    assertThat(redriven.body().path("outcome").asText()).isEqualTo("REDRIVEN");
    assertThat(backend.letterStatus.get(FakeOpsBackend.LETTER)).isEqualTo("redriven");
    // A letter of a subprocessor no longer configured: a clear conflict, not a server error.
    Http.Response orphan =
        ops().post("/ops/dead-letters/" + FakeOpsBackend.ORPHAN + "/redrive", null);
    assertThat(orphan.status()).isEqualTo(409);
    assertThat(orphan.contentType()).startsWith("application/problem+json");
    assertThat(orphan.body().path("detail").asText()).contains("'retired' is not enabled");

    assertThat(
            ops()
                .post("/ops/dead-letters/" + java.util.UUID.randomUUID() + "/redrive", null)
                .status())
        .isEqualTo(404);
    assertThat(ops().get("/ops/dead-letters?limit=0").status()).isEqualTo(400);
    Http.Response badStatus = ops().get("/ops/dead-letters?status=weird");
    assertThat(badStatus.status()).isEqualTo(400);
    assertThat(badStatus.body().path("errors").get(0).path("field").asText()).isEqualTo("status");
  }

  @Test
  void statusPauseAndResumeGoThroughTheBackend() {
    Http.Response status = ops().get("/ops/status");
    assertThat(status.status()).isEqualTo(200);
    assertThat(status.body().path("feeds").get(0).path("watermarkLagSeconds").asDouble())
        .isEqualTo(1.5);
    var lane = status.body().path("feeds").get(0).path("lanes").get(0);
    assertThat(lane.path("subprocessor").asText()).isEqualTo("restock");
    assertThat(lane.path("queuedRecords").asLong()).isEqualTo(12);
    assertThat(lane.path("lastLatencyMillis").asLong()).isEqualTo(250);
    assertThat(lane.path("parking").asBoolean()).isFalse();
    assertThat(status.body().path("feeds").get(0).path("lanes").get(1).path("parking").asBoolean())
        .isTrue();

    Http.Response paused = ops().post("/ops/subprocessors/restock/pause", null);
    assertThat(paused.body().path("outcome").asText()).isEqualTo("CHANGED");
    assertThat(ops().post("/ops/subprocessors/restock/pause", null).body().path("outcome").asText())
        .isEqualTo("UNCHANGED");
    assertThat(
            ops().get("/ops/status").body().path("subprocessors").get(0).path("paused").asBoolean())
        .isTrue();
    assertThat(
            ops().post("/ops/subprocessors/restock/resume", null).body().path("paused").asBoolean())
        .isFalse();
    Http.Response unknown = ops().post("/ops/subprocessors/nope/pause", null);
    assertThat(unknown.status()).isEqualTo(404);
    assertThat(unknown.problemType()).isEqualTo("subprocessor-not-found");
  }

  @Test
  void anAlertIsAcknowledgedOnceByTheCaller() {
    Http.Response first = ops().post("/ops/alerts/" + FakeOpsBackend.ALERT + "/acknowledge", null);
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().path("outcome").asText()).isEqualTo("ACKNOWLEDGED");
    assertThat(backend.acknowledgedBy.get(FakeOpsBackend.ALERT)).startsWith("key-");
    assertThat(
            ops()
                .post("/ops/alerts/" + FakeOpsBackend.ALERT + "/acknowledge", null)
                .body()
                .path("outcome")
                .asText())
        .isEqualTo("ALREADY_ACKNOWLEDGED");
    assertThat(
            ops()
                .post("/ops/alerts/" + java.util.UUID.randomUUID() + "/acknowledge", null)
                .status())
        .isEqualTo(404);
  }

  @Test
  void onlyOpsMayUseOpsEndpoints() {
    assertThat(
            associate()
                .post("/ops/replay", "{\"table\":\"inventory_levels\",\"all\":true}")
                .status())
        .isEqualTo(403);
    assertThat(channel().get("/ops/dead-letters").status()).isEqualTo(403);
  }
}
