package io.stockflow.changefeed.consumer;

/**
 * A subprocessor still failed after its retries, and the failure means a dependency is down (see
 * {@link io.stockflow.changefeed.Subprocessor#isOutage}): the batch is given up without dead
 * letters or fence moves, and its lane retries it with backoff.
 */
final class OutageException extends RuntimeException {
  public OutageException(String subprocessor, Throwable cause) {
    super("subprocessor '" + subprocessor + "': dependency unavailable: " + cause, cause);
  }
}
