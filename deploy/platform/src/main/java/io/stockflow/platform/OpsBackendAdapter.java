package io.stockflow.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.stockflow.api.ops.OpsBackend;
import io.stockflow.api.ops.OpsModels;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.consumer.ChangefeedMeters;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.changefeed.consumer.ChangefeedStatus;
import io.stockflow.changefeed.consumer.DeadLetter;
import io.stockflow.changefeed.consumer.DeadLetterStatus;
import io.stockflow.changefeed.consumer.DeadLetters;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The ops API's view of the changefeed processor: dead letters, status, pause/resume. */
@Singleton
public class OpsBackendAdapter implements OpsBackend {
  private final ChangefeedProcessor processor;
  private final MeterRegistry meters;
  private final LaneRates rates = new LaneRates(Duration.ofMinutes(1), System::nanoTime);

  public OpsBackendAdapter(ChangefeedProcessor processor, MeterRegistry meters) {
    this.processor = processor;
    this.meters = meters;
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

  @Override
  public Optional<OpsModels.DeadLetterDetail> deadLetter(UUID id) {
    return processor
        .deadLetters()
        .get(id)
        .map(d -> new OpsModels.DeadLetterDetail(view(d), d.messageValue()));
  }

  @Override
  public List<OpsModels.LaneMetrics> lanes() {
    ChangefeedStatus s = processor.status();
    Set<String> paused = processor.control().paused();
    return s.topics().stream()
        .flatMap(
            t ->
                t.subprocessors().stream()
                    .map(
                        name -> {
                          ChangefeedStatus.LaneStatus lane =
                              t.lanes().stream()
                                  .filter(l -> l.subprocessor().equals(name))
                                  .findFirst()
                                  .orElse(null);
                          return lane(t, name, lane, paused.contains(name));
                        }))
        .toList();
  }

  /** {@code lane} is null where this instance does not consume the topic. */
  private OpsModels.LaneMetrics lane(
      ChangefeedStatus.TopicStatus t,
      String subprocessor,
      ChangefeedStatus.LaneStatus lane,
      boolean paused) {
    String topic = t.topic();
    Timer latency =
        meters
            .find(ChangefeedMeters.LATENCY)
            .tags("topic", topic, "subprocessor", subprocessor)
            .timer();
    long deadLettered = count(ChangefeedMeters.DEAD_LETTERED, topic, subprocessor, "failure");
    OpsModels.LaneTotals totals =
        new OpsModels.LaneTotals(
            count(ChangefeedMeters.PROCESSED, topic, subprocessor, null),
            count(ChangefeedMeters.SKIPPED_STALE, topic, subprocessor, null),
            count(ChangefeedMeters.RETRIED, topic, subprocessor, null),
            deadLettered,
            count(ChangefeedMeters.DEAD_LETTERED, topic, subprocessor, "paused"));
    OpsModels.LaneRecent recent =
        rates.recent(
            topic + "/" + subprocessor,
            new LaneRates.Reading(
                totals.processed(),
                deadLettered,
                latency == null ? 0 : latency.count(),
                latency == null ? 0 : latency.totalTime(TimeUnit.MILLISECONDS)));
    double age = t.watermarkLagSeconds();
    return new OpsModels.LaneMetrics(
        topic,
        subprocessor,
        t.consuming(),
        paused,
        lane != null && lane.parking(),
        t.consumerLag(),
        Optional.ofNullable(t.watermark()).map(Hlc::toInstant).orElse(null),
        Double.isNaN(age) ? null : age,
        t.fetchPaused(),
        lane == null ? 0 : lane.queuedRecords(),
        lane == null ? 0 : lane.deferred(),
        totals,
        recent,
        lane == null ? -1 : lane.lastLatencyMillis(),
        lane == null ? null : lane.failingSince(),
        lane == null ? null : lane.lastFailure());
  }

  /** A lane's counter, summed over the {@code reason} tag unless {@code reason} is given. */
  private long count(String name, String topic, String subprocessor, String reason) {
    var search = meters.find(name).tags("topic", topic, "subprocessor", subprocessor);
    if (reason != null) search = search.tag("reason", reason);
    return (long) search.counters().stream().mapToDouble(Counter::count).sum();
  }
}
