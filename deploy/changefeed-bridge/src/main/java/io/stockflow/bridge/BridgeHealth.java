package io.stockflow.bridge;

/**
 * Whether an in-process changefeed bridge is streaming, for health checks. Implemented by whoever
 * runs and restarts the bridge (the dev stack).
 */
public interface BridgeHealth {
  /**
   * @param running the bridge streams now
   * @param restarts how often it was restarted after stopping with an error
   * @param lastFailure why it stopped last, null if it never did
   * @param fatal it stopped for a reason a restart cannot fix and stays stopped ({@link
   *     FatalBridgeException})
   */
  record Status(boolean running, int restarts, String lastFailure, boolean fatal) {}

  Status status();
}
