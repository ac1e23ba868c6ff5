package io.stockflow.api.inventory;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

@MicronautTest
class InventoryIT extends ApiIT {

  @Test
  void availabilityCountsSellableRowsHoldsBackSafetyStockAndSaysOnlyNLeft() {
    location("A1-W", "us-west");
    location("A1-E", "us-east");
    location("A1-X", "us-east");
    sku("A1-SKU");
    stock("A1-SKU", "A1-W", 4);
    stock("A1-SKU", "A1-E", 6);
    stock("A1-SKU", "A1-X", 50);
    sql.execute("UPDATE inventory_levels SET reserved = 1 WHERE location_id = 'A1-W'");
    sql.execute("UPDATE inventory_levels SET safety_stock = 4 WHERE location_id = 'A1-E'");
    sql.execute("UPDATE inventory_levels SET sellable = false WHERE location_id = 'A1-X'");

    Http.Response r = channel().get("/inventory/A1-SKU");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("totalAvailable").asLong()).isEqualTo(3 + 6);
    assertThat(r.body().path("availableToSell").asLong()).isEqualTo(3 + 2);
    assertThat(r.body().path("status").asText()).isEqualTo("low_stock");
    assertThat(r.body().path("message").asText()).isEqualTo("Only 5 left");
    assertThat(r.body().path("regions")).hasSize(2);
    assertThat(r.body().path("regions").get(0).path("region").asText()).isEqualTo("us-east");
    assertThat(r.body().path("regions").get(0).path("available").asLong()).isEqualTo(6);
    assertThat(r.body().path("locations")).hasSize(3);
    assertThat(r.body().path("locations").get(2).path("counted").asBoolean()).isFalse();

    sql.execute("UPDATE inventory_levels SET on_hand = 40 WHERE location_id = 'A1-W'");
    assertThat(channel().get("/inventory/A1-SKU").body().path("status").asText())
        .isEqualTo("in_stock");
    sql.execute("UPDATE inventory_levels SET on_hand = 1 WHERE location_id = 'A1-W'");
    sql.execute("UPDATE inventory_levels SET on_hand = 4 WHERE location_id = 'A1-E'");
    Http.Response out = channel().get("/inventory/A1-SKU");
    assertThat(out.body().path("status").asText()).isEqualTo("out_of_stock");
    assertThat(out.body().path("message").asText()).isEqualTo("Out of stock");
  }

  @Test
  void unknownSkuOrLocationIsA404NamingIt() {
    location("A2-L", "us-west");
    sku("A2-SKU");
    assertThat(channel().get("/inventory/NOPE").problemType()).isEqualTo("sku-not-found");
    assertThat(associate().get("/inventory/A2-SKU/locations/NOPE").problemType())
        .isEqualTo("location-not-found");
    assertThat(associate().get("/inventory/A2-SKU/locations/A2-L").problemType())
        .isEqualTo("inventory-level-not-found");
    List<String> before = snapshot();
    Http.Response r =
        associate().post("/inventory/A2-SKU/locations/NOPE/receipts", "{\"quantity\":5}");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.body().path("detail").asText()).contains("NOPE");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void receivingCreatesTheRowAndAgainstAPurchaseOrderMarksItReceived() {
    location("A3-L", "us-west");
    sku("A3-SKU");

    Http.Response first =
        associate()
            .post(
                "/inventory/A3-SKU/locations/A3-L/receipts",
                "{\"quantity\":7,\"reference\":\"asn-1\"}");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.body().path("onHand").asLong()).isEqualTo(7);

    UUID po = UUID.randomUUID();
    sql.execute("UPDATE inventory_levels SET in_transit_in = 10 WHERE sku = 'A3-SKU'");
    sql.execute(
        "INSERT INTO purchase_orders (id, episode_key, sku, location_id, quantity, due_at)"
            + " VALUES (?, 'ep-a3', 'A3-SKU', 'A3-L', 10, now())",
        po);
    Http.Response second =
        associate()
            .post(
                "/inventory/A3-SKU/locations/A3-L/receipts",
                "{\"quantity\":10,\"purchaseOrderId\":\"" + po + "\"}");
    assertThat(second.status()).isEqualTo(200);
    assertThat(levels("A3-SKU", "A3-L")).containsExactly(17L, 0L, 0L, 0L, 0L, 0L);
    assertThat(sql.fetchValue("SELECT status FROM purchase_orders WHERE id = ?", po))
        .isEqualTo("received");
    assertThat(
            sql.fetchValue(
                "SELECT count(*) FROM inventory_adjustments WHERE sku = 'A3-SKU' AND kind = 'receipt'"))
        .isEqualTo(2L);

    List<String> before = snapshot();
    Http.Response again =
        associate()
            .post(
                "/inventory/A3-SKU/locations/A3-L/receipts",
                "{\"quantity\":10,\"purchaseOrderId\":\"" + po + "\"}");
    assertThat(again.status()).isEqualTo(409);
    assertThat(again.problemType()).isEqualTo("purchase-order-not-open");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void receivingIsRefusedWhenBlockedAndForAbsurdQuantities() {
    location("A4-L", "us-west");
    sku("A4-SKU");
    stock("A4-SKU", "A4-L", 1);
    sql.execute("UPDATE inventory_levels SET receiving_blocked = true WHERE sku = 'A4-SKU'");
    List<String> before = snapshot();

    Http.Response blocked =
        associate().post("/inventory/A4-SKU/locations/A4-L/receipts", "{\"quantity\":5}");
    assertThat(blocked.status()).isEqualTo(409);
    assertThat(blocked.problemType()).isEqualTo("receiving-blocked");

    Http.Response zero =
        associate().post("/inventory/A4-SKU/locations/A4-L/receipts", "{\"quantity\":0}");
    assertThat(zero.status()).isEqualTo(400);
    assertThat(zero.body().path("errors").get(0).path("field").asText()).isEqualTo("quantity");

    Http.Response huge =
        associate().post("/inventory/A4-SKU/locations/A4-L/receipts", "{\"quantity\":99999999999}");
    assertThat(huge.status()).isEqualTo(400);

    Http.Response text =
        associate().post("/inventory/A4-SKU/locations/A4-L/receipts", "{\"quantity\":\"lots\"}");
    assertThat(text.status()).isEqualTo(400);
    assertThat(text.contentType()).startsWith("application/problem+json");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void cycleCountSetsOnHandAndRecordsVarianceAndReason() {
    location("A5-L", "us-west");
    sku("A5-SKU");
    stock("A5-SKU", "A5-L", 20);

    Http.Response r =
        associate()
            .post(
                "/inventory/A5-SKU/locations/A5-L/cycle-counts",
                "{\"countedOnHand\":17,\"reason\":\"shelf 4 recount\"}");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("previousOnHand").asLong()).isEqualTo(20);
    assertThat(r.body().path("variance").asLong()).isEqualTo(-3);
    assertThat(r.body().path("level").path("lastCountedAt").asText()).isNotBlank();
    assertThat(levels("A5-SKU", "A5-L").get(0)).isEqualTo(17L);
    assertThat(
            sql.fetchValue(
                "SELECT reason FROM inventory_adjustments WHERE sku = 'A5-SKU' AND kind = 'cycle_count'"))
        .isEqualTo("shelf 4 recount");
  }

  @Test
  void aCountBelowWhatIsPromisedIsA409NamingTheConstraintAndChangesNothing() {
    location("A6-L", "us-west");
    sku("A6-SKU");
    stock("A6-SKU", "A6-L", 20);
    sql.execute("UPDATE inventory_levels SET allocated = 5, reserved = 5 WHERE sku = 'A6-SKU'");
    List<String> before = snapshot();

    Http.Response r =
        associate()
            .post(
                "/inventory/A6-SKU/locations/A6-L/cycle-counts",
                "{\"countedOnHand\":9,\"reason\":\"recount\"}");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.body().path("constraint").asText()).isEqualTo("inventory_never_oversold");

    Http.Response noReason =
        associate().post("/inventory/A6-SKU/locations/A6-L/cycle-counts", "{\"countedOnHand\":12}");
    assertThat(noReason.status()).isEqualTo(400);
    assertThat(noReason.body().path("errors").get(0).path("field").asText()).isEqualTo("reason");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void damageMovesAvailableUnitsToDamagedAndRefusesPromisedOnes() {
    location("A7-L", "us-west");
    sku("A7-SKU");
    stock("A7-SKU", "A7-L", 10);
    sql.execute("UPDATE inventory_levels SET reserved = 6 WHERE sku = 'A7-SKU'");

    Http.Response ok =
        associate()
            .post(
                "/inventory/A7-SKU/locations/A7-L/damage",
                "{\"quantity\":3,\"reason\":\"forklift\"}");
    assertThat(ok.status()).isEqualTo(200);
    assertThat(levels("A7-SKU", "A7-L")).containsExactly(7L, 0L, 6L, 3L, 0L, 0L);

    List<String> before = snapshot();
    Http.Response tooMany =
        associate()
            .post(
                "/inventory/A7-SKU/locations/A7-L/damage", "{\"quantity\":2,\"reason\":\"drop\"}");
    assertThat(tooMany.status()).isEqualTo(409);
    assertThat(tooMany.problemType()).isEqualTo("insufficient-available");
    assertThat(tooMany.body().path("available").asLong()).isEqualTo(1);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aTransferGoesOutIntoTransitAndArrives() {
    location("A8-S", "us-west");
    location("A8-D", "us-east");
    sku("A8-SKU");
    stock("A8-SKU", "A8-S", 10);
    String transfer =
        "{\"fromLocationId\":\"A8-S\",\"toLocationId\":\"A8-D\",\"quantity\":4,\"reference\":\"t-1\"}";

    assertThat(associate().post("/inventory/A8-SKU/transfers", transfer).status()).isEqualTo(200);
    assertThat(levels("A8-SKU", "A8-S")).containsExactly(6L, 0L, 0L, 0L, 0L, 4L);
    assertThat(levels("A8-SKU", "A8-D")).containsExactly(0L, 0L, 0L, 0L, 4L, 0L);

    Http.Response arrived = associate().post("/inventory/A8-SKU/transfers/arrivals", transfer);
    assertThat(arrived.status()).isEqualTo(200);
    assertThat(arrived.body().path("to").path("onHand").asLong()).isEqualTo(4);
    assertThat(levels("A8-SKU", "A8-S")).containsExactly(6L, 0L, 0L, 0L, 0L, 0L);
    assertThat(levels("A8-SKU", "A8-D")).containsExactly(4L, 0L, 0L, 0L, 0L, 0L);

    List<String> before = snapshot();
    Http.Response twice = associate().post("/inventory/A8-SKU/transfers/arrivals", transfer);
    assertThat(twice.status()).isEqualTo(409);
    assertThat(twice.problemType()).isEqualTo("not-in-transit");
    Http.Response tooMuch =
        associate()
            .post(
                "/inventory/A8-SKU/transfers",
                "{\"fromLocationId\":\"A8-S\",\"toLocationId\":\"A8-D\",\"quantity\":7}");
    assertThat(tooMuch.status()).isEqualTo(409);
    Http.Response same =
        associate()
            .post(
                "/inventory/A8-SKU/transfers",
                "{\"fromLocationId\":\"A8-S\",\"toLocationId\":\"A8-S\",\"quantity\":1}");
    assertThat(same.status()).isEqualTo(422);
    assertThat(same.body().path("errors").get(0).path("field").asText()).isEqualTo("toLocationId");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void thresholdsAreSetAndAnInconsistentMaximumIsRefused() {
    location("A9-L", "us-west");
    sku("A9-SKU");
    stock("A9-SKU", "A9-L", 10);

    Http.Response r =
        associate()
            .put(
                "/inventory/A9-SKU/locations/A9-L/thresholds",
                "{\"reorderPoint\":5,\"safetyStock\":2,\"maxStock\":50}");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("reorderPoint").asLong()).isEqualTo(5);
    assertThat(r.body().path("safetyStock").asLong()).isEqualTo(2);
    assertThat(r.body().path("maxStock").asLong()).isEqualTo(50);

    List<String> before = snapshot();
    Http.Response bad =
        associate()
            .put(
                "/inventory/A9-SKU/locations/A9-L/thresholds",
                "{\"reorderPoint\":60,\"safetyStock\":2,\"maxStock\":50}");
    assertThat(bad.status()).isEqualTo(422);
    assertThat(bad.body().path("errors").get(0).path("field").asText()).isEqualTo("maxStock");
    Http.Response negative =
        associate()
            .put(
                "/inventory/A9-SKU/locations/A9-L/thresholds",
                "{\"reorderPoint\":-1,\"safetyStock\":2,\"maxStock\":50}");
    assertThat(negative.status()).isEqualTo(400);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aChannelMayReadAvailabilityButNotMoveStock() {
    location("A10-L", "us-west");
    sku("A10-SKU");
    stock("A10-SKU", "A10-L", 10);
    List<String> before = snapshot();
    Http.Response r =
        channel().post("/inventory/A10-SKU/locations/A10-L/receipts", "{\"quantity\":5}");
    assertThat(r.status()).isEqualTo(403);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(snapshot()).isEqualTo(before);
  }
}
