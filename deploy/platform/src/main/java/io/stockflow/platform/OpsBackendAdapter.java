package io.stockflow.platform;

import io.stockflow.api.ops.OpsBackend;
import io.stockflow.api.ops.OpsModels;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.changefeed.consumer.ChangefeedStatus;
import io.stockflow.changefeed.consumer.DeadLetter;
import io.stockflow.changefeed.consumer.DeadLetterStatus;
import io.stockflow.changefeed.consumer.DeadLetters;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.UUID;

/** The ops API's view of the changefeed processor: dead letters, status, pause/resume. */
@Singleton
public class OpsBackendAdapter implements OpsBackend {
  private final ChangefeedProcessor processor;

  public OpsBackendAdapter(ChangefeedProcessor processor) {
    this.processor = processor;
  }

  @Override
  public List<OpsModels.DeadLetter> deadLetters(String subprocessor, String status, int limit) {
    DeadLetterStatus s =
        status == null ? null : DeadLetterStatus.valueOf(status.toUpperCase(Locale.ROOT));
    return processor
        .deadLetters()
        .list(new DeadLetters.Query(null, subprocessor, s, limit))
        .stream()
        .map(OpsBackendAdapter::view)
        .toList();
  }

  private static OpsModels.DeadLetter view(DeadLetter d) {
    return new OpsModels.DeadLetter(
        d.id().toString(),
        d.sourceTopic(),
        d.sourcePartition(),
        d.sourceOffset(),
        // An undecodable message failed before any subprocessor: the index stores '' for it.
        d.subprocessor().isEmpty() ? null : d.subprocessor(),
        d.deadLetterTopic(),
        d.messageKey(),
        d.errorClass(),
        d.errorMessage(),
        d.attempts(),
        d.firstFailureAt(),
        d.lastFailureAt(),
        d.status().name().toLowerCase(Locale.ROOT),
        d.redrivenAt());
  }

  @Override
  public OpsModels.RedriveResult redrive(UUID id) {
    Optional<DeadLetter> letter = processor.deadLetters().get(id);
    if (letter.isEmpty())
      return new OpsModels.RedriveResult(
          OpsModels.RedriveResult.Outcome.NOT_FOUND, "no dead letter " + id);
    if (letter.get().status() != DeadLetterStatus.PENDING)
      return new OpsModels.RedriveResult(
          OpsModels.RedriveResult.Outcome.ALREADY_REDRIVEN,
          letter.get().status() == DeadLetterStatus.REDRIVEN
              ? "re-driven at " + letter.get().redrivenAt()
              : "already " + letter.get().status().dbValue() + ", nothing to do");
    String sub = letter.get().subprocessor();
    if (!sub.isEmpty() && processor.config().subprocessor(letter.get().sourceTopic(), sub) == null)
      return new OpsModels.RedriveResult(
          OpsModels.RedriveResult.Outcome.SUBPROCESSOR_NOT_CONFIGURED,
          "subprocessor '"
              + sub
              + "' is not enabled for "
              + letter.get().sourceTopic()
              + " in this configuration; resolve the letter or enable it again");
    DeadLetters.RedriveResult r = processor.deadLetters().redrive(id);
    return r.succeeded()
        ? new OpsModels.RedriveResult(
            OpsModels.RedriveResult.Outcome.REDRIVEN, "handled by " + letter.get().subprocessor())
        : new OpsModels.RedriveResult(
            OpsModels.RedriveResult.Outcome.FAILED, "failed again: " + r.error());
  }

  @Override
  public OpsModels.ConsumerStatus status() {
    ChangefeedStatus s = processor.status();
    List<OpsModels.FeedStatus> feeds =
        s.topics().stream()
            .map(
                t ->
                    new OpsModels.FeedStatus(
                        t.topic(),
                        t.topic(),
                        Optional.ofNullable(t.watermark()).map(Hlc::toInstant).orElse(null),
                        // NaN: this instance has no consumer for the table (not the consumer
                        // role); JSON has no NaN, so it is null.
                        Double.isNaN(t.watermarkLagSeconds()) ? null : t.watermarkLagSeconds(),
                        t.consumerLag(),
                        t.fetchPaused(),
                        t.lanes().stream()
                            .map(
                                l ->
                                    new OpsModels.LaneStatus(
                                        l.subprocessor(),
                                        l.parking(),
                                        l.queuedRecords(),
                                        l.deferred(),
                                        l.lastLatencyMillis(),
                                        l.failingSince(),
                                        l.lastFailure()))
                            .toList()))
            .toList();
    List<OpsModels.SubprocessorStatus> subs =
        s.subprocessors().stream()
            .map(
                p ->
                    new OpsModels.SubprocessorStatus(
                        p.name(),
                        p.topics(),
                        p.paused(),
                        p.processed(),
                        p.skippedStale(),
                        p.retried(),
                        p.deadLettered()))
            .toList();
    return new OpsModels.ConsumerStatus(feeds, subs);
  }

  @Override
  public OpsModels.SwitchResult pause(String subprocessor) {
    return flip(subprocessor, true);
  }

  @Override
  public OpsModels.SwitchResult resume(String subprocessor) {
    return flip(subprocessor, false);
  }

  private OpsModels.SwitchResult flip(String name, boolean pause) {
    if (!processor.config().subprocessorNames().contains(name))
      return new OpsModels.SwitchResult(OpsModels.SwitchResult.Outcome.UNKNOWN_SUBPROCESSOR, false);
    boolean was = processor.control().paused().contains(name);
    if (was == pause)
      return new OpsModels.SwitchResult(OpsModels.SwitchResult.Outcome.UNCHANGED, was);
    if (pause) processor.control().pause(name);
    else processor.control().resume(name);
    return new OpsModels.SwitchResult(OpsModels.SwitchResult.Outcome.CHANGED, pause);
  }
}
