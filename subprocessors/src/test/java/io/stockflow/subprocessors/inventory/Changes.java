package io.stockflow.subprocessors.inventory;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;

/** Test changes of an inventory_levels row, built from a base row plus column overrides. */
public final class Changes {
  static final ObjectMapper JSON = new ObjectMapper();

  private Changes() {}

  /** on_hand 50, nothing allocated or reserved, reorder point 20, safety 5, max 150, sellable. */
  public static ObjectNode row(String... overrides) {
    ObjectNode r = JSON.createObjectNode();
    r.put("sku", "JERKY-TERIYAKI-3OZ").put("location_id", "SEA1");
    r.put("on_hand", 50).put("allocated", 0).put("reserved", 0).put("damaged", 0);
    r.put("in_transit_in", 0).put("in_transit_out", 0);
    r.put("reorder_point", 20).put("safety_stock", 5).put("max_stock", 150);
    r.put("sellable", true).put("receiving_blocked", false);
    r.putNull("last_counted_at");
    r.put("last_updated", "2026-11-22T10:00:00.000001Z");
    for (String o : overrides) {
      String[] kv = o.split("=", 2);
      String v = kv[1];
      if (v.equals("true") || v.equals("false")) r.put(kv[0], Boolean.parseBoolean(v));
      else if (v.matches("-?\\d+")) r.put(kv[0], Long.parseLong(v));
      else if (v.equals("null")) r.putNull(kv[0]);
      else r.put(kv[0], v);
    }
    return r;
  }

  public static ChangeEvent update(ObjectNode before, ObjectNode after, boolean replay) {
    return new ChangeEvent(
        "inventory_levels",
        0,
        1,
        JSON.createArrayNode()
            .add(after.get("sku").asText())
            .add(after.get("location_id").asText()),
        before,
        after,
        Hlc.parse("1763805600000001000.0000000000"),
        Operation.UPDATE,
        replay);
  }

  public static ChangeEvent insert(ObjectNode after) {
    return new ChangeEvent(
        "inventory_levels",
        0,
        1,
        JSON.createArrayNode()
            .add(after.get("sku").asText())
            .add(after.get("location_id").asText()),
        null,
        after,
        Hlc.parse("1763805600000001000.0000000000"),
        Operation.INSERT,
        false);
  }

  public static ChangeEvent delete(ObjectNode before) {
    return new ChangeEvent(
        "inventory_levels",
        0,
        1,
        JSON.createArrayNode()
            .add(before.get("sku").asText())
            .add(before.get("location_id").asText()),
        before,
        null,
        Hlc.parse("1763805600000001000.0000000000"),
        Operation.DELETE,
        false);
  }
}
