package io.stockflow.db;

import java.time.Duration;

/**
 * The range checks of configuration records, so that a bad setting fails the start with one message
 * naming the property ({@code stockflow.retention.fences must be positive, got PT0S}).
 */
public final class SettingChecks {
  private SettingChecks() {}

  /** Throws unless {@code value} is set and above zero. */
  public static void positive(String property, Duration value) {
    if (value == null || value.isNegative() || value.isZero())
      throw new IllegalArgumentException(property + " must be positive, got " + value);
  }

  /** Throws unless {@code value} is set and not below zero. */
  public static void notNegative(String property, Duration value) {
    if (value == null || value.isNegative())
      throw new IllegalArgumentException(property + " must be >= 0, got " + value);
  }

  /** Throws unless {@code value >= min}. */
  public static void atLeast(String property, int value, int min) {
    if (value < min)
      throw new IllegalArgumentException(property + " must be >= " + min + ", got " + value);
  }
}
