package io.stockflow.changefeed.consumer;

import java.time.Instant;
import java.util.Objects;

/**
 * Why a message is dead-lettered for one subprocessor. Immutable.
 *
 * @param errorClass the exception class, or a framework reason such as {@link #PAUSED}
 * @param errorMessage the exception message (never null; empty when it had none)
 * @param attempts how many times the subprocessor was called, 0 when it was not (paused)
 * @param firstFailureAt when the first attempt failed
 * @param lastFailureAt when the last attempt failed
 */
record Failure(
    String errorClass,
    String errorMessage,
    int attempts,
    Instant firstFailureAt,
    Instant lastFailureAt) {
  /** {@code error_class} of a message parked because its subprocessor was paused. */
  public static final String PAUSED = "paused";

  public Failure {
    Objects.requireNonNull(errorClass, "errorClass");
    errorMessage = errorMessage == null ? "" : errorMessage;
    Objects.requireNonNull(firstFailureAt, "firstFailureAt");
    Objects.requireNonNull(lastFailureAt, "lastFailureAt");
  }

  /** A failure made of one exception, caught once at {@code at}. */
  public static Failure of(Throwable e, int attempts, Instant first, Instant at) {
    return new Failure(e.getClass().getName(), String.valueOf(e.getMessage()), attempts, first, at);
  }

  /** A message parked while its subprocessor is paused. */
  public static Failure paused(String subprocessor, Instant at) {
    return new Failure(PAUSED, "subprocessor " + subprocessor + " is paused", 0, at, at);
  }

  public boolean isPaused() {
    return PAUSED.equals(errorClass);
  }
}
