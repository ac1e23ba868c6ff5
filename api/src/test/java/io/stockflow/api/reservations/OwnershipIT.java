package io.stockflow.api.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Carts and orders belong to the caller that made them: another channel key hears 404 (exactly as
 * for a cart or order that does not exist) and changes nothing; ops may act on any; associates
 * (warehouse, WMS) read and fulfil any order.
 */
@MicronautTest
class OwnershipIT extends ApiIT {
  static final String OTHER_CHANNEL_KEY = "test-other-channel-key-0123456789";

  @Override
  protected Map<String, String> moreProperties() {
    return Map.of("stockflow.api.keys." + OTHER_CHANNEL_KEY, "channel");
  }

  private Http other() {
    return http(OTHER_CHANNEL_KEY);
  }

  private void seed(String prefix) {
    location(prefix + "-L", "us-west");
    sku(prefix + "-X");
    stock(prefix + "-X", prefix + "-L", 10);
  }

  private static String cart(String cartId, String sku, long qty) {
    return "{\"cartId\":\""
        + cartId
        + "\",\"lines\":[{\"lineNo\":1,\"sku\":\""
        + sku
        + "\",\"quantity\":"
        + qty
        + "}]}";
  }

  /** The 404 a cart that does not exist gets, for comparison. */
  private void assertLooksMissing(Http.Response r, String expectedType) {
    assertThat(r.status()).isEqualTo(404);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.problemType()).isEqualTo(expectedType);
  }

  @Test
  void anotherChannelCannotReadConfirmOrReleaseACart() {
    seed("W1");
    assertThat(channel().post("/reservations", cart("c-w1", "W1-X", 2)).status()).isEqualTo(201);
    List<String> before = snapshot();

    Http.Response missing = other().get("/reservations/c-w1-does-not-exist");
    assertLooksMissing(missing, "cart-reservation-not-found");
    assertLooksMissing(other().get("/reservations/c-w1"), "cart-reservation-not-found");
    assertLooksMissing(
        other().post("/reservations/c-w1/confirm", null), "cart-reservation-not-found");
    assertLooksMissing(
        other().post("/reservations/c-w1/release", null), "cart-reservation-not-found");
    // Nothing in the 404 tells an existing cart from a missing one except its id.
    Http.Response hidden = other().get("/reservations/c-w1");
    assertThat(hidden.body().path("title").asText())
        .isEqualTo(missing.body().path("title").asText());
    assertThat(snapshot()).isEqualTo(before);

    // The owner still can, and so can ops.
    assertThat(channel().get("/reservations/c-w1").status()).isEqualTo(200);
    assertThat(ops().get("/reservations/c-w1").status()).isEqualTo(200);
    assertThat(channel().post("/reservations/c-w1/confirm", null).status()).isEqualTo(200);
    assertThat(levels("W1-X", "W1-L")).containsExactly(10L, 2L, 0L, 0L, 0L, 0L);
  }

  @Test
  void anotherChannelCannotTakeOverACartByReservingItAgain() {
    seed("W2");
    String body = cart("c-w2", "W2-X", 2);
    assertThat(channel().post("/reservations", body).status()).isEqualTo(201);
    List<String> before = snapshot();

    // Same cart id and lines from another caller: not the owner's reservations back (that would
    // leak them and let the other caller confirm them); a conflict that shows no lines.
    Http.Response r = other().post("/reservations", body);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.problemType()).isEqualTo("cart-already-reserved");
    assertThat(r.body().has("lines")).isFalse();
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void opsMayReleaseAnyCart() {
    seed("W3");
    assertThat(channel().post("/reservations", cart("c-w3", "W3-X", 4)).status()).isEqualTo(201);

    assertThat(ops().post("/reservations/c-w3/release", null).status()).isEqualTo(200);
    assertThat(levels("W3-X", "W3-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
  }

  @Test
  void ordersBelongToTheCartOwner() {
    seed("W4");
    assertThat(channel().post("/reservations", cart("c-w4", "W4-X", 3)).status()).isEqualTo(201);
    assertThat(channel().post("/reservations/c-w4/confirm", null).status()).isEqualTo(200);
    List<String> before = snapshot();

    // Another channel cannot make the order of someone else's cart.
    assertLooksMissing(
        other().post("/orders", "{\"cartId\":\"c-w4\"}"), "cart-reservation-not-found");
    assertThat(snapshot()).isEqualTo(before);

    Http.Response created = channel().post("/orders", "{\"cartId\":\"c-w4\"}");
    assertThat(created.status()).isEqualTo(201);
    String id = created.body().path("id").asText();
    before = snapshot();

    // ...nor read it, cancel it, or fetch it by creating it again.
    assertLooksMissing(other().get("/orders/" + id), "order-not-found");
    assertLooksMissing(
        other().post("/orders/" + id + "/transitions", "{\"status\":\"cancelled\"}"),
        "order-not-found");
    assertLooksMissing(
        other().post("/orders/" + id + "/transitions", "{\"status\":\"confirmed\"}"),
        "order-not-found");
    assertLooksMissing(
        other().post("/orders", "{\"cartId\":\"c-w4\"}"), "cart-reservation-not-found");
    assertLooksMissing(
        other().get("/orders/00000000-0000-0000-0000-000000000000"), "order-not-found");
    assertThat(snapshot()).isEqualTo(before);

    // The owner and ops can read it; associates fulfil any order.
    assertThat(channel().get("/orders/" + id).status()).isEqualTo(200);
    assertThat(ops().get("/orders/" + id).status()).isEqualTo(200);
    assertThat(associate().get("/orders/" + id).status()).isEqualTo(200);
    assertThat(
            channel().post("/orders/" + id + "/transitions", "{\"status\":\"confirmed\"}").status())
        .isEqualTo(200);
    assertThat(
            associate().post("/orders/" + id + "/transitions", "{\"status\":\"picked\"}").status())
        .isEqualTo(200);
    assertThat(levels("W4-X", "W4-L")).containsExactly(10L, 3L, 0L, 0L, 0L, 0L);
  }

  @Test
  void opsMayCancelAnyOrderAndTheOwnerItsOwn() {
    seed("W5");
    for (String c : List.of("c-w5a", "c-w5b")) {
      assertThat(channel().post("/reservations", cart(c, "W5-X", 1)).status()).isEqualTo(201);
      assertThat(channel().post("/reservations/" + c + "/confirm", null).status()).isEqualTo(200);
    }
    String a = channel().post("/orders", "{\"cartId\":\"c-w5a\"}").body().path("id").asText();
    String b = channel().post("/orders", "{\"cartId\":\"c-w5b\"}").body().path("id").asText();

    assertThat(ops().post("/orders/" + a + "/transitions", "{\"status\":\"cancelled\"}").status())
        .isEqualTo(200);
    assertThat(
            channel().post("/orders/" + b + "/transitions", "{\"status\":\"cancelled\"}").status())
        .isEqualTo(200);
    assertThat(levels("W5-X", "W5-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
  }

  @Test
  void theOwnerIsRecordedOnTheRows() {
    seed("W6");
    assertThat(other().post("/reservations", cart("c-w6", "W6-X", 1)).status()).isEqualTo(201);
    assertThat(other().post("/reservations/c-w6/confirm", null).status()).isEqualTo(200);
    assertThat(other().post("/orders", "{\"cartId\":\"c-w6\"}").status()).isEqualTo(201);

    // The principal is the key's digest name, never the key.
    String owner =
        (String) sql.fetchValue("SELECT owner_principal FROM reservations WHERE id = 'c-w6:1'");
    assertThat(owner).matches("key-[0-9a-f]{12}");
    assertThat(sql.fetchValue("SELECT owner_principal FROM orders WHERE cart_id = 'c-w6'"))
        .isEqualTo(owner);
  }

  @Test
  void aCartFromBeforeOwnershipWasRecordedStaysReachableAndItsOrderIsTheCallers() {
    seed("W7");
    assertThat(channel().post("/reservations", cart("c-w7", "W7-X", 2)).status()).isEqualTo(201);
    // As a row written before V66 (or by a person with psql) looks: no owner.
    sql.execute("UPDATE reservations SET owner_principal = NULL WHERE cart_id = 'c-w7'");

    assertThat(other().get("/reservations/c-w7").status()).isEqualTo(200);
    assertThat(other().post("/reservations/c-w7/confirm", null).status()).isEqualTo(200);
    Http.Response order = other().post("/orders", "{\"cartId\":\"c-w7\"}");
    assertThat(order.status()).isEqualTo(201);

    // The order is recorded as the creator's, so from now on it is theirs alone.
    String id = order.body().path("id").asText();
    assertLooksMissing(channel().get("/orders/" + id), "order-not-found");
    assertThat(other().get("/orders/" + id).status()).isEqualTo(200);
  }
}
