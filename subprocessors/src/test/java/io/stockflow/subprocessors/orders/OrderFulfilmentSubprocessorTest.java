package io.stockflow.subprocessors.orders;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;
import io.stockflow.workflows.orders.OrderFulfilmentClient;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Which {@code orders} changes the order-fulfilment subprocessor acts on (the sibling of the
 * inventory_levels truth table). shouldProcess is pure, so no workflow client is needed.
 */
class OrderFulfilmentSubprocessorTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String ID = "5b0f6d7e-2f4c-4d0a-9a57-0c1f3e1d2a01";
  static final OrderFulfilmentSubprocessor SUBPROCESSOR = new OrderFulfilmentSubprocessor(null);

  static ObjectNode row(String status, String lastUpdated) {
    ObjectNode r = JSON.createObjectNode();
    r.put("id", ID).put("cart_id", "cart-7").put("location_id", "SEA1").put("status", status);
    r.putNull("customer_ref");
    r.put("created_at", "2026-11-22T10:00:00.000001Z").put("last_updated", lastUpdated);
    return r;
  }

  static ObjectNode row(String status) {
    return row(status, "2026-11-22T10:00:00.000001Z");
  }

  static ChangeEvent change(ObjectNode before, ObjectNode after, boolean replay) {
    Operation op =
        before == null ? Operation.INSERT : after == null ? Operation.DELETE : Operation.UPDATE;
    return new ChangeEvent(
        "orders",
        0,
        1,
        JSON.createArrayNode().add(ID),
        before,
        after,
        Hlc.parse("1763805600000001000.0000000000"),
        op,
        replay);
  }

  static Stream<Arguments> table() {
    return Stream.of(
        Arguments.of("order placed (insert, pending)", change(null, row("pending"), false), false),
        Arguments.of("order confirmed", change(row("pending"), row("confirmed"), false), true),
        Arguments.of("order picked", change(row("confirmed"), row("picked"), false), true),
        Arguments.of("order packed", change(row("picked"), row("packed"), false), true),
        Arguments.of("order shipped", change(row("packed"), row("shipped"), false), true),
        Arguments.of("order delivered", change(row("shipped"), row("delivered"), false), true),
        Arguments.of(
            "order cancelled while pending", change(row("pending"), row("cancelled"), false), true),
        Arguments.of(
            "order cancelled after confirmation",
            change(row("confirmed"), row("cancelled"), false),
            true),
        Arguments.of(
            "inserted already confirmed (direct SQL)", change(null, row("confirmed"), false), true),
        Arguments.of(
            "another column changed, status not",
            change(
                row("picked"),
                row("picked", "2026-11-22T11:00:00Z").put("customer_ref", "C-1"),
                false),
            false),
        Arguments.of(
            "replay of a confirmed order",
            change(row("confirmed"), row("confirmed", "2026-11-22T12:00:00Z"), true),
            true),
        Arguments.of(
            "replay of a pending order",
            change(row("pending"), row("pending", "2026-11-22T12:00:00Z"), true),
            false),
        Arguments.of("order deleted", change(row("confirmed"), null, false), false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void shouldProcess(String change, ChangeEvent e, boolean expected) {
    assertThat(SUBPROCESSOR.shouldProcess(e)).as(change).isEqualTo(expected);
  }

  @Test
  void oneWorkflowPerOrderIsTheCoalescingKey() {
    ChangeEvent e = change(row("pending"), row("confirmed"), false);
    assertThat(SUBPROCESSOR.name()).isEqualTo("order-fulfilment");
    assertThat(SUBPROCESSOR.coalescingKey(e))
        .isEqualTo(OrderFulfilmentClient.workflowId(ID))
        .isEqualTo("order-fulfilment/" + ID);
  }
}
