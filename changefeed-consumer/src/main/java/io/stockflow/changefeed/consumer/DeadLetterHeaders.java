package io.stockflow.changefeed.consumer;

/**
 * Headers on every dead-letter record (values are UTF-8 text; times ISO-8601 UTC). The record's key
 * and value are the original message's, byte for byte.
 */
final class DeadLetterHeaders {
  private DeadLetterHeaders() {}

  /** Id of the {@code dead_letters} row, for re-drive by id. */
  public static final String ID = "stockflow.dlq.id";

  public static final String SOURCE_TOPIC = "stockflow.dlq.source.topic";
  public static final String SOURCE_PARTITION = "stockflow.dlq.source.partition";
  public static final String SOURCE_OFFSET = "stockflow.dlq.source.offset";

  /** The failed subprocessor; empty for an undecodable message. */
  public static final String SUBPROCESSOR = "stockflow.dlq.subprocessor";

  public static final String ERROR_CLASS = "stockflow.dlq.error.class";
  public static final String ERROR_MESSAGE = "stockflow.dlq.error.message";
  public static final String ATTEMPTS = "stockflow.dlq.attempts";
  public static final String FIRST_FAILURE = "stockflow.dlq.first.failure";
  public static final String LAST_FAILURE = "stockflow.dlq.last.failure";
}
