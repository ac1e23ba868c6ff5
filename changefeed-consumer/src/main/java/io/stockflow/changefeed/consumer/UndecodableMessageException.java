package io.stockflow.changefeed.consumer;

/**
 * A message that cannot be understood at all (not JSON, no {@code updated}, key not an array …).
 * The framework dead-letters it with {@link #getMessage()} as the reason and moves on.
 */
final class UndecodableMessageException extends Exception {
  public UndecodableMessageException(String reason) {
    super(reason);
  }

  public UndecodableMessageException(String reason, Throwable cause) {
    super(reason, cause);
  }
}
