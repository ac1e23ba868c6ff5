package io.stockflow.db.changefeed;

import java.time.Instant;
import java.util.Objects;

/**
 * A CockroachDB hybrid-logical-clock timestamp in the text form changefeeds print ({@code
 * hlc.Timestamp.AsOfSystemTime()}): wall-clock nanoseconds since the epoch, a dot, and the logical
 * counter in 10 digits, e.g. {@code "1701102311425045162.0000000000"}. The one definition of that
 * form: the PostgreSQL bridge writes it, the changefeed consumer and the workflows read it. Ordered
 * by wall time, then logical. Immutable.
 */
public record Hlc(long wallNanos, long logical) implements Comparable<Hlc> {
  private static final int LOGICAL_DIGITS = 10;
  private static final long LOGICAL_LIMIT = 10_000_000_000L;

  /**
   * @throws IllegalArgumentException for a negative part, or a logical part of more than 10 digits
   *     (the text form could not carry it)
   */
  public Hlc {
    if (wallNanos < 0 || logical < 0) throw new IllegalArgumentException("HLC parts must be >= 0");
    if (logical >= LOGICAL_LIMIT)
      throw new IllegalArgumentException("HLC logical part > 10 digits");
  }

  /**
   * Parses the changefeed form. Accepts a missing logical part ({@code "1701102311425045162"},
   * logical 0), so a plain non-negative counter reads as a timestamp too.
   *
   * @throws IllegalArgumentException when {@code text} is not an HLC timestamp
   */
  public static Hlc parse(String text) {
    Objects.requireNonNull(text, "HLC text");
    int dot = text.indexOf('.');
    try {
      if (dot < 0) return new Hlc(Long.parseLong(text), 0);
      String logical = text.substring(dot + 1);
      if (logical.isEmpty() || logical.length() > LOGICAL_DIGITS)
        throw new NumberFormatException("logical part");
      return new Hlc(Long.parseLong(text.substring(0, dot)), Long.parseLong(logical));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an HLC timestamp: \"" + text + "\"", e);
    }
  }

  /** The timestamp of a commit at {@code instant}, logical 0. */
  public static Hlc of(Instant instant) {
    return new Hlc(
        Math.addExact(
            Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano()),
        0);
  }

  /** The wall-clock part as an instant. */
  public Instant toInstant() {
    return Instant.ofEpochSecond(wallNanos / 1_000_000_000L, wallNanos % 1_000_000_000L);
  }

  @Override
  public int compareTo(Hlc o) {
    int c = Long.compare(wallNanos, o.wallNanos);
    return c != 0 ? c : Long.compare(logical, o.logical);
  }

  /** The changefeed form, e.g. {@code 1701102311425045162.0000000000}. */
  @Override
  public String toString() {
    return wallNanos + "." + String.format("%0" + LOGICAL_DIGITS + "d", logical);
  }
}
