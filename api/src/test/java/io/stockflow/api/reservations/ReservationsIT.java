package io.stockflow.api.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.List;
import org.junit.jupiter.api.Test;

@MicronautTest
class ReservationsIT extends ApiIT {

  private static String cart(String cartId, String... lines) {
    return "{\"cartId\":\"" + cartId + "\",\"lines\":[" + String.join(",", lines) + "]}";
  }

  private static String line(int lineNo, String sku, long qty) {
    return "{\"lineNo\":" + lineNo + ",\"sku\":\"" + sku + "\",\"quantity\":" + qty + "}";
  }

  @Test
  void reserveHoldsEveryLineAtTheLocationWithMostAvailable() {
    location("R1-A", "us-west");
    location("R1-B", "us-east");
    sku("R1-X");
    sku("R1-Y");
    stock("R1-X", "R1-A", 5);
    stock("R1-Y", "R1-A", 5);
    stock("R1-X", "R1-B", 8);
    stock("R1-Y", "R1-B", 3);

    Http.Response r =
        channel().post("/reservations", cart("c-r1", line(1, "R1-X", 2), line(2, "R1-Y", 3)));

    assertThat(r.status()).isEqualTo(201);
    assertThat(r.body().path("locationId").asText()).isEqualTo("R1-B");
    assertThat(r.body().path("status").asText()).isEqualTo("active");
    assertThat(r.body().path("lines").get(0).path("reservationId").asText()).isEqualTo("c-r1:1");
    assertThat(levels("R1-X", "R1-B")).containsExactly(8L, 0L, 2L, 0L, 0L, 0L);
    assertThat(levels("R1-Y", "R1-B")).containsExactly(3L, 0L, 3L, 0L, 0L, 0L);
    assertThat(levels("R1-X", "R1-A").get(2)).isZero();
  }

  @Test
  void theSameCartAgainReturnsTheExistingReservationsAndHoldsNothingMore() {
    location("R2-A", "us-west");
    sku("R2-X");
    stock("R2-X", "R2-A", 10);
    String body = cart("c-r2", line(1, "R2-X", 4));
    assertThat(channel().post("/reservations", body).status()).isEqualTo(201);

    Http.Response again = channel().post("/reservations", body);

    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("lines").get(0).path("quantity").asLong()).isEqualTo(4);
    assertThat(levels("R2-X", "R2-A").get(2)).isEqualTo(4L);

    List<String> before = snapshot();
    Http.Response different = channel().post("/reservations", cart("c-r2", line(1, "R2-X", 5)));
    assertThat(different.status()).isEqualTo(409);
    assertThat(different.problemType()).isEqualTo("cart-already-reserved");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void noSingleLocationServingEveryLineIsA409AndChangesNothing() {
    location("R3-A", "us-west");
    location("R3-B", "us-east");
    sku("R3-X");
    sku("R3-Y");
    stock("R3-X", "R3-A", 5);
    stock("R3-Y", "R3-B", 5);
    List<String> before = snapshot();

    Http.Response r =
        channel().post("/reservations", cart("c-r3", line(1, "R3-X", 1), line(2, "R3-Y", 1)));

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.problemType()).isEqualTo("insufficient-stock");
    assertThat(r.body().path("detail").asText()).contains("no single sellable location");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void insufficientStockNamesTheUnservableLineAndChangesNothing() {
    location("R4-A", "us-west");
    sku("R4-X");
    sku("R4-Y");
    stock("R4-X", "R4-A", 5);
    stock("R4-Y", "R4-A", 2);
    List<String> before = snapshot();

    Http.Response r =
        channel().post("/reservations", cart("c-r4", line(1, "R4-X", 1), line(2, "R4-Y", 3)));

    assertThat(r.status()).isEqualTo(409);
    var unservable = r.body().path("unservableLines");
    assertThat(unservable).hasSize(1);
    assertThat(unservable.get(0).path("sku").asText()).isEqualTo("R4-Y");
    assertThat(unservable.get(0).path("requested").asLong()).isEqualTo(3);
    assertThat(unservable.get(0).path("maxAvailableAtOneLocation").asLong()).isEqualTo(2);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void aLocationMarkedNotSellableIsNeverChosen() {
    location("R5-A", "us-west");
    sku("R5-X");
    stock("R5-X", "R5-A", 5);
    sql.execute("UPDATE inventory_levels SET sellable = false WHERE sku = 'R5-X'");

    Http.Response r = channel().post("/reservations", cart("c-r5", line(1, "R5-X", 1)));

    assertThat(r.status()).isEqualTo(409);
    assertThat(levels("R5-X", "R5-A").get(2)).isZero();
  }

  @Test
  void unknownSkuIsA422NamingTheLine() {
    List<String> before = snapshot();
    Http.Response r = channel().post("/reservations", cart("c-r6", line(1, "NO-SUCH-SKU", 1)));
    assertThat(r.status()).isEqualTo(422);
    assertThat(r.problemType()).isEqualTo("unknown-sku");
    assertThat(r.body().path("errors").get(0).path("field").asText()).isEqualTo("lines[0].sku");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void invalidQuantitiesAndDuplicateLinesAreRefusedNamingTheField() {
    List<String> before = snapshot();

    Http.Response negative = channel().post("/reservations", cart("c-r7", line(1, "X", -2)));
    assertThat(negative.status()).isEqualTo(400);
    assertThat(negative.contentType()).startsWith("application/problem+json");
    assertThat(negative.body().path("errors").get(0).path("field").asText())
        .isEqualTo("lines[0].quantity");

    Http.Response absurd = channel().post("/reservations", cart("c-r7", line(1, "X", 5_000_000)));
    assertThat(absurd.status()).isEqualTo(400);
    assertThat(absurd.body().path("detail").asText()).contains("quantity");

    Http.Response noLines = channel().post("/reservations", "{\"cartId\":\"c-r7\",\"lines\":[]}");
    assertThat(noLines.status()).isEqualTo(400);
    assertThat(noLines.body().path("detail").asText()).contains("lines");

    Http.Response colon = channel().post("/reservations", cart("a:b", line(1, "X", 1)));
    assertThat(colon.status()).isEqualTo(400);
    assertThat(colon.body().path("detail").asText()).contains("cartId");

    Http.Response dup =
        channel().post("/reservations", cart("c-r7", line(1, "X", 1), line(1, "Y", 1)));
    assertThat(dup.status()).isEqualTo(422);
    assertThat(dup.body().path("errors").get(0).path("field").asText())
        .isEqualTo("lines[1].lineNo");

    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void fractionalZeroAndOutOfRangeQuantitiesAre400NeverRounded() {
    location("R7F-A", "us-west");
    sku("R7F-X");
    stock("R7F-X", "R7F-A", 10);
    List<String> before = snapshot();
    // Jackson's default would bind 2.9 as 2 and "2" as 2 and hold 2 units: a silent change of
    // what the buyer asked for. Each of these must be refused and hold nothing.
    for (String quantity :
        List.of("2.9", "2.0", "1e2", "\"2\"", "0", "-1", "100001", "9223372036854775808", "true")) {
      String body =
          "{\"cartId\":\"c-r7f\",\"lines\":[{\"lineNo\":1,\"sku\":\"R7F-X\",\"quantity\":"
              + quantity
              + "}]}";
      Http.Response r = channel().post("/reservations", body);
      assertThat(r.status()).as(quantity).isEqualTo(400);
      assertThat(r.contentType()).as(quantity).startsWith("application/problem+json");
    }
    Http.Response lineNo =
        channel()
            .post(
                "/reservations",
                "{\"cartId\":\"c-r7f\",\"lines\":[{\"lineNo\":1.5,\"sku\":\"R7F-X\",\"quantity\":1}]}");
    assertThat(lineNo.status()).isEqualTo(400);
    Http.Response customer =
        channel()
            .post(
                "/reservations",
                "{\"cartId\":\"c-r7f\",\"customerRef\":\"\",\"lines\":[{\"lineNo\":1,\"sku\":\"R7F-X\",\"quantity\":1}]}");
    assertThat(customer.status()).isEqualTo(400);
    assertThat(snapshot()).isEqualTo(before);
    // The largest allowed quantity is a normal request (here refused for want of stock).
    assertThat(channel().post("/reservations", cart("c-r7f", line(1, "R7F-X", 100_000))).status())
        .isEqualTo(409);
  }

  @Test
  void malformedJsonIsA400Problem() {
    Http.Response r = channel().post("/reservations", "{\"cartId\": \"c\", \"lines\": [");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.body().path("status").asInt()).isEqualTo(400);
    assertThat(r.body().path("detail").asText()).isNotBlank();
  }

  @Test
  void confirmMovesReservedToAllocatedAndIsIdempotent() {
    location("R8-A", "us-west");
    sku("R8-X");
    stock("R8-X", "R8-A", 10);
    channel().post("/reservations", cart("c-r8", line(1, "R8-X", 3)));

    Http.Response confirmed = channel().post("/reservations/c-r8/confirm", null);
    assertThat(confirmed.status()).isEqualTo(200);
    assertThat(confirmed.body().path("status").asText()).isEqualTo("confirmed");
    assertThat(levels("R8-X", "R8-A")).containsExactly(10L, 3L, 0L, 0L, 0L, 0L);

    Http.Response again = channel().post("/reservations/c-r8/confirm", null);
    assertThat(again.status()).isEqualTo(200);
    assertThat(levels("R8-X", "R8-A")).containsExactly(10L, 3L, 0L, 0L, 0L, 0L);

    List<String> before = snapshot();
    Http.Response release = channel().post("/reservations/c-r8/release", null);
    assertThat(release.status()).isEqualTo(409);
    assertThat(release.problemType()).isEqualTo("reservation-confirmed");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void releaseReturnsTheStockAndIsIdempotentAndAReleasedCartCannotBeConfirmed() {
    location("R9-A", "us-west");
    sku("R9-X");
    stock("R9-X", "R9-A", 10);
    channel().post("/reservations", cart("c-r9", line(1, "R9-X", 3)));

    assertThat(channel().post("/reservations/c-r9/release", null).status()).isEqualTo(200);
    assertThat(levels("R9-X", "R9-A").get(2)).isZero();
    Http.Response again = channel().post("/reservations/c-r9/release", null);
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("status").asText()).isEqualTo("released");
    assertThat(levels("R9-X", "R9-A").get(2)).isZero();

    List<String> before = snapshot();
    Http.Response confirm = channel().post("/reservations/c-r9/confirm", null);
    assertThat(confirm.status()).isEqualTo(409);
    assertThat(confirm.problemType()).isEqualTo("reservation-not-active");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void anExpiredReservationCannotBeConfirmedAndNothingChanges() {
    location("R10-A", "us-west");
    sku("R10-X");
    stock("R10-X", "R10-A", 10);
    channel().post("/reservations", cart("c-r10", line(1, "R10-X", 2)));
    sql.execute(
        "UPDATE reservations SET expires_at = now() - interval '1 second' WHERE cart_id = 'c-r10'");
    List<String> before = snapshot();

    Http.Response r = channel().post("/reservations/c-r10/confirm", null);

    assertThat(r.status()).isEqualTo(409);
    assertThat(r.problemType()).isEqualTo("reservation-expired");
    assertThat(r.body().path("detail").asText()).contains("c-r10:1");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void unknownCartIsA404Problem() {
    Http.Response r = channel().get("/reservations/no-such-cart");
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.problemType()).isEqualTo("cart-reservation-not-found");
    assertThat(channel().post("/reservations/no-such-cart/confirm", null).status()).isEqualTo(404);
    assertThat(channel().post("/reservations/no-such-cart/release", null).status()).isEqualTo(404);
  }

  @Test
  void getReturnsTheCart() {
    location("R11-A", "us-west");
    sku("R11-X");
    stock("R11-X", "R11-A", 10);
    channel().post("/reservations", cart("c-r11", line(7, "R11-X", 2)));

    Http.Response r = channel().get("/reservations/c-r11");

    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("lines").get(0).path("lineNo").asInt()).isEqualTo(7);
    assertThat(r.body().path("expiresAt").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
  }

  @Test
  void idempotencyKeyReplaysTheStoredResponseAndRefusesADifferentBody() {
    location("R12-A", "us-west");
    sku("R12-X");
    stock("R12-X", "R12-A", 10);
    String body = cart("c-r12", line(1, "R12-X", 2));

    Http.Response first = channel().post("/reservations", body, "key-r12");
    Http.Response retry = channel().post("/reservations", body, "key-r12");

    assertThat(first.status()).isEqualTo(201);
    assertThat(first.replayed()).isNull();
    assertThat(retry.status()).isEqualTo(201);
    assertThat(retry.replayed()).isEqualTo("true");
    assertThat(retry.body()).isEqualTo(first.body());
    assertThat(levels("R12-X", "R12-A").get(2)).isEqualTo(2L);

    List<String> before = snapshot();
    Http.Response reused =
        channel().post("/reservations", cart("c-r12b", line(1, "R12-X", 1)), "key-r12");
    assertThat(reused.status()).isEqualTo(422);
    assertThat(reused.problemType()).isEqualTo("idempotency-key-reused");
    assertThat(snapshot()).isEqualTo(before);

    // Keys are per caller: another caller's same key is a different request.
    Http.Response other =
        ops().post("/reservations", cart("c-r12c", line(1, "R12-X", 1)), "key-r12");
    assertThat(other.status()).isEqualTo(201);
  }
}
