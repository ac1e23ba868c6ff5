package io.stockflow.api.orders;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.List;
import org.junit.jupiter.api.Test;

@MicronautTest
class OrdersIT extends ApiIT {

  /** Seeds stock and a confirmed cart of two lines; returns the new order's id. */
  private String confirmedOrder(String prefix) {
    location(prefix + "-L", "us-west");
    sku(prefix + "-X");
    sku(prefix + "-Y");
    stock(prefix + "-X", prefix + "-L", 10);
    stock(prefix + "-Y", prefix + "-L", 10);
    String cart = "cart-" + prefix;
    Http.Response reserved =
        channel()
            .post(
                "/reservations",
                "{\"cartId\":\""
                    + cart
                    + "\",\"lines\":[{\"lineNo\":1,\"sku\":\""
                    + prefix
                    + "-X\",\"quantity\":2},{\"lineNo\":2,\"sku\":\""
                    + prefix
                    + "-Y\",\"quantity\":3}]}");
    assertThat(reserved.status()).isEqualTo(201);
    assertThat(channel().post("/reservations/" + cart + "/confirm", null).status()).isEqualTo(200);
    Http.Response order =
        channel().post("/orders", "{\"cartId\":\"" + cart + "\",\"customerRef\":\"cust-1\"}");
    assertThat(order.status()).isEqualTo(201);
    return order.body().path("id").asText();
  }

  private Http.Response move(Http as, String id, String status) {
    return as.post("/orders/" + id + "/transitions", "{\"status\":\"" + status + "\"}");
  }

  @Test
  void anOrderIsCreatedFromAConfirmedCartOnce() {
    String id = confirmedOrder("O1");

    Http.Response again = channel().post("/orders", "{\"cartId\":\"cart-O1\"}");
    assertThat(again.status()).isEqualTo(200);
    assertThat(again.body().path("id").asText()).isEqualTo(id);

    Http.Response got = associate().get("/orders/" + id);
    assertThat(got.body().path("status").asText()).isEqualTo("pending");
    assertThat(got.body().path("locationId").asText()).isEqualTo("O1-L");
    assertThat(got.body().path("lines")).hasSize(2);
    assertThat(got.body().path("lines").get(1).path("reservationId").asText())
        .isEqualTo("cart-O1:2");
    assertThat(
            sql.fetchValue(
                "SELECT count(DISTINCT order_id) FROM reservations WHERE cart_id = 'cart-O1'"))
        .isEqualTo(1L);
  }

  @Test
  void anOrderNeedsConfirmedReservations() {
    location("O2-L", "us-west");
    sku("O2-X");
    stock("O2-X", "O2-L", 10);
    channel()
        .post(
            "/reservations",
            "{\"cartId\":\"cart-O2\",\"lines\":[{\"lineNo\":1,\"sku\":\"O2-X\",\"quantity\":1}]}");
    List<String> before = snapshot();

    Http.Response active = channel().post("/orders", "{\"cartId\":\"cart-O2\"}");
    assertThat(active.status()).isEqualTo(409);
    assertThat(active.problemType()).isEqualTo("reservation-not-confirmed");
    assertThat(active.body().path("detail").asText()).contains("cart-O2:1 is active");

    Http.Response none = channel().post("/orders", "{\"cartId\":\"cart-none\"}");
    assertThat(none.status()).isEqualTo(404);

    Http.Response blank = channel().post("/orders", "{\"cartId\":\"\"}");
    assertThat(blank.status()).isEqualTo(400);
    assertThat(blank.body().path("errors").get(0).path("field").asText()).isEqualTo("cartId");
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void theFullLifecycleShipsAllocatedStockOutOfTheBuilding() {
    String id = confirmedOrder("O3");
    assertThat(levels("O3-X", "O3-L")).containsExactly(10L, 2L, 0L, 0L, 0L, 0L);

    for (String status : List.of("confirmed", "picked", "packed")) {
      Http.Response r = move(associate(), id, status);
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.body().path("status").asText()).isEqualTo(status);
    }
    assertThat(levels("O3-X", "O3-L")).containsExactly(10L, 2L, 0L, 0L, 0L, 0L);

    assertThat(move(associate(), id, "shipped").status()).isEqualTo(200);
    assertThat(levels("O3-X", "O3-L")).containsExactly(8L, 0L, 0L, 0L, 0L, 0L);
    assertThat(levels("O3-Y", "O3-L")).containsExactly(7L, 0L, 0L, 0L, 0L, 0L);

    // A retried "shipped" is a no-op, not a second shipment.
    assertThat(move(associate(), id, "shipped").status()).isEqualTo(200);
    assertThat(levels("O3-X", "O3-L")).containsExactly(8L, 0L, 0L, 0L, 0L, 0L);

    assertThat(move(associate(), id, "delivered").status()).isEqualTo(200);
  }

  @Test
  void cancellingReleasesTheAllocation() {
    String id = confirmedOrder("O4");
    assertThat(move(channel(), id, "confirmed").status()).isEqualTo(200);
    assertThat(move(associate(), id, "picked").status()).isEqualTo(200);

    Http.Response cancelled = move(channel(), id, "cancelled");

    assertThat(cancelled.status()).isEqualTo(200);
    assertThat(levels("O4-X", "O4-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
    assertThat(levels("O4-Y", "O4-L")).containsExactly(10L, 0L, 0L, 0L, 0L, 0L);
  }

  @Test
  void illegalTransitionsAre409NamingFromAndToAndChangeNothing() {
    String id = confirmedOrder("O5");
    List<String> before = snapshot();

    Http.Response skip = move(associate(), id, "shipped");
    assertThat(skip.status()).isEqualTo(409);
    assertThat(skip.problemType()).isEqualTo("illegal-transition");
    assertThat(skip.body().path("from").asText()).isEqualTo("pending");
    assertThat(skip.body().path("to").asText()).isEqualTo("shipped");
    assertThat(skip.body().path("detail").asText()).contains("pending").contains("shipped");

    Http.Response unknown = move(associate(), id, "teleported");
    assertThat(unknown.status()).isEqualTo(400);
    assertThat(unknown.body().path("errors").get(0).path("field").asText()).isEqualTo("status");
    assertThat(snapshot()).isEqualTo(before);

    move(associate(), id, "confirmed");
    move(associate(), id, "picked");
    move(associate(), id, "packed");
    move(associate(), id, "shipped");
    List<String> shipped = snapshot();
    Http.Response cancelShipped = move(ops(), id, "cancelled");
    assertThat(cancelShipped.status()).isEqualTo(409);
    assertThat(cancelShipped.body().path("from").asText()).isEqualTo("shipped");
    assertThat(snapshot()).isEqualTo(shipped);
  }

  @Test
  void aChannelCannotDoWarehouseTransitions() {
    String id = confirmedOrder("O6");
    move(channel(), id, "confirmed");
    List<String> before = snapshot();
    Http.Response r = move(channel(), id, "picked");
    assertThat(r.status()).isEqualTo(403);
    assertThat(snapshot()).isEqualTo(before);
  }

  @Test
  void unknownOrMalformedOrderIds() {
    assertThat(channel().get("/orders/00000000-0000-0000-0000-000000000000").status())
        .isEqualTo(404);
    Http.Response bad = channel().get("/orders/not-a-uuid");
    assertThat(bad.status()).isEqualTo(400);
    assertThat(bad.contentType()).startsWith("application/problem+json");
  }
}
