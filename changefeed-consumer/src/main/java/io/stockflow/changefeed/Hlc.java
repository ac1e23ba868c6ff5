package io.stockflow.changefeed;

import java.time.Instant;
import java.util.Objects;

/**
 * A CockroachDB hybrid-logical-clock timestamp as changefeeds print it: wall-clock nanoseconds
 * since the epoch, a dot, and a 10-digit logical counter ({@code
 * "1701102311425045162.0000000000"}). Ordered by wall time, then logical. Immutable.
 */
public record Hlc(long wallNanos, long logical) implements Comparable<Hlc> {
  public static final Hlc ZERO = new Hlc(0, 0);

  public Hlc {
    if (wallNanos < 0 || logical < 0) throw new IllegalArgumentException("HLC parts must be >= 0");
  }

  /**
   * Parses the changefeed form. Accepts a missing logical part ({@code "1701102311425045162"}).
   *
   * @throws IllegalArgumentException when {@code text} is not an HLC timestamp
   */
  public static Hlc parse(String text) {
    Objects.requireNonNull(text, "HLC text");
    int dot = text.indexOf('.');
    try {
      if (dot < 0) return new Hlc(Long.parseLong(text), 0);
      String logical = text.substring(dot + 1);
      if (logical.isEmpty() || logical.length() > 10)
        throw new NumberFormatException("logical part");
      return new Hlc(Long.parseLong(text.substring(0, dot)), Long.parseLong(logical));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("not an HLC timestamp: \"" + text + "\"", e);
    }
  }

  /** The timestamp of a commit at {@code instant}, logical 0. */
  public static Hlc of(Instant instant) {
    return new Hlc(instant.getEpochSecond() * 1_000_000_000L + instant.getNano(), 0);
  }

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
    return wallNanos + "." + String.format("%010d", logical);
  }
}
