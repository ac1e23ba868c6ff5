package io.stockflow.bridge;

/**
 * The bridge cannot run without an operator's decision, and starting it again would not help (e.g.
 * its replication slot is gone while it has stored offsets). The message says what happened and
 * what to do. A supervisor must not restart the bridge after this.
 */
public final class FatalBridgeException extends IllegalStateException {
  public FatalBridgeException(String message) {
    super(message);
  }

  public FatalBridgeException(String message, Throwable cause) {
    super(message, cause);
  }
}
