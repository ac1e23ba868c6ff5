package io.stockflow.bridge.stream;

import java.util.Collection;

/**
 * Where {@link ChangeHandler} sends changefeed messages: {@link KafkaSink} in the bridge. A seam so
 * the handler's transaction and timestamp logic can be tested without a broker.
 */
public interface MessageSink {
  /** Sends one row message; its outcome is reported by the next {@link #flush()}. */
  void send(String topic, byte[] key, byte[] value);

  /** Sends {@code {"resolved":"<hlc>"}} with a null key to every partition of every topic. */
  void sendResolved(Collection<String> topics, String hlc);

  /**
   * Waits until every message sent so far is acknowledged.
   *
   * @throws IllegalStateException when any send failed (the caller must not commit its offsets)
   */
  void flush();
}
