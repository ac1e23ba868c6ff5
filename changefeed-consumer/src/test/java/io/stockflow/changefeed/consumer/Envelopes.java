package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Hlc;
import java.time.Instant;

/**
 * Builds messages exactly as a CockroachDB changefeed with {@code envelope=wrapped, format=json,
 * updated, diff, resolved} writes them, for rows {@code (sku, location_id, qty, note,
 * last_updated)}.
 */
final class Envelopes {
  private Envelopes() {}

  /** An HLC {@code n} microseconds after a fixed base close to now. */
  static Hlc at(long n) {
    return new Hlc(BASE.wallNanos() + n * 1_000, 0);
  }

  private static final Hlc BASE = Hlc.of(Instant.now().minusSeconds(60));

  static String key(String sku, String location) {
    return "[\"" + sku + "\",\"" + location + "\"]";
  }

  static String row(String sku, String location, long qty, String note, String lastUpdated) {
    return "{\"sku\":\""
        + sku
        + "\",\"location_id\":\""
        + location
        + "\",\"qty\":"
        + qty
        + ",\"note\":\""
        + note
        + "\",\"last_updated\":\""
        + lastUpdated
        + "\"}";
  }

  static String change(String after, String before, Hlc updated) {
    return "{\"after\":" + after + ",\"before\":" + before + ",\"updated\":\"" + updated + "\"}";
  }

  static String resolved(Hlc hlc) {
    return "{\"resolved\":\"" + hlc + "\"}";
  }
}
