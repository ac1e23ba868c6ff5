package io.stockflow.api.ops;

import io.micronaut.core.annotation.Nullable;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What the ops endpoints need from the changefeed consumer framework. The platform module
 * implements it (a bean of this type); the API only calls it. When no bean exists (an api-only
 * deployment without the consumer), the endpoints answer 503 {@code ops-backend-unavailable}.
 *
 * <p>Implementations must be thread-safe; calls come from HTTP worker threads. None of the methods
 * may return null.
 */
public interface OpsBackend {

  /**
   * Dead letters, newest first.
   *
   * @param subprocessor only this subprocessor's, or all when null ({@code ""} = undecodable)
   * @param status only this status (pending, redriven, resolved), or all when null
   * @param limit at most this many (1..500, validated by the API)
   */
  List<OpsModels.DeadLetter> deadLetters(
      @Nullable String subprocessor, @Nullable String status, int limit);

  /**
   * Sends a dead letter's original message back to its subprocessor (re-drive). Must be idempotent:
   * re-driving an already re-driven letter answers {@code ALREADY_REDRIVEN}.
   */
  OpsModels.RedriveResult redrive(UUID deadLetterId);

  /** Consumers, watermarks (resolved timestamps) and subprocessors, as of now. */
  OpsModels.ConsumerStatus status();

  /** Stops handing changes to the subprocessor on every consumer instance (durably). */
  OpsModels.SwitchResult pause(String subprocessor);

  /** Undoes {@link #pause}; changes held meanwhile are then handled in order. */
  OpsModels.SwitchResult resume(String subprocessor);

  /** One dead letter with its original message value, or empty when there is no such letter. */
  Optional<OpsModels.DeadLetterDetail> deadLetter(UUID deadLetterId);

  /**
   * One entry per configured topic and subprocessor, as seen by this instance: lags, watermark,
   * pause state, counts, recent rates and latency.
   */
  List<OpsModels.LaneMetrics> lanes();
}
