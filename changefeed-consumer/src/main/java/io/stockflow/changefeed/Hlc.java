package io.stockflow.changefeed;

import java.time.Instant;

/**
 * A CockroachDB hybrid-logical-clock timestamp as changefeeds print it ({@code
 * "1701102311425045162.0000000000"}; the text form is {@link io.stockflow.db.changefeed.Hlc}'s).
 * Ordered by wall time, then logical. Immutable.
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
    return of(io.stockflow.db.changefeed.Hlc.parse(text));
  }

  /** The timestamp of a commit at {@code instant}, logical 0. */
  public static Hlc of(Instant instant) {
    return of(io.stockflow.db.changefeed.Hlc.of(instant));
  }

  private static Hlc of(io.stockflow.db.changefeed.Hlc hlc) {
    return new Hlc(hlc.wallNanos(), hlc.logical());
  }

  private io.stockflow.db.changefeed.Hlc asShared() {
    return new io.stockflow.db.changefeed.Hlc(wallNanos, logical);
  }

  public Instant toInstant() {
    return asShared().toInstant();
  }

  @Override
  public int compareTo(Hlc o) {
    return asShared().compareTo(o.asShared());
  }

  /** The changefeed form, e.g. {@code 1701102311425045162.0000000000}. */
  @Override
  public String toString() {
    return asShared().toString();
  }
}
