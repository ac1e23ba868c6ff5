package io.stockflow.changefeed.consumer;

import java.time.Instant;
import java.util.UUID;

/**
 * One row of the dead-letter index ({@code dead_letters}); the dead-letter topic holds the same
 * message with headers. Immutable.
 *
 * @param subprocessor the subprocessor that failed; {@code ""} for a message nothing could decode
 * @param messageKey the original key as text, may be null
 * @param messageValue the original value as text, may be null
 * @param redrivenAt when it was last re-driven successfully, may be null
 */
public record DeadLetter(
    UUID id,
    String sourceTopic,
    int sourcePartition,
    long sourceOffset,
    String subprocessor,
    String deadLetterTopic,
    String messageKey,
    String messageValue,
    String errorClass,
    String errorMessage,
    long attempts,
    Instant firstFailureAt,
    Instant lastFailureAt,
    DeadLetterStatus status,
    Instant redrivenAt) {

  /** True when it was parked because its subprocessor was paused, not because it failed. */
  public boolean parked() {
    return Failure.PAUSED.equals(errorClass);
  }
}
