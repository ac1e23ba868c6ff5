package io.stockflow.workflows.sync;

import io.stockflow.workflows.ActivityPolicies;
import io.temporal.activity.ActivityCancellationType;
import io.temporal.activity.ActivityOptions;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import io.temporal.workflow.WorkflowInfo;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.slf4j.Logger;

/**
 * One bucket of channel sync. Its own loop rather than a {@link
 * io.stockflow.workflows.stream.StreamWorkflowBase}: the base handles a batch synchronously and
 * hands over a queue of events, but here the state is a <em>set</em> of SKU names (a repeat is
 * free, order is irrelevant because values are read when projecting), pushes must outlive the
 * iteration that started them (a dead webhook must not stop projections or the other channels), and
 * continue-as-new has to cancel those pushes and hand over per-channel state.
 *
 * <p>The loop:
 *
 * <ol>
 *   <li>Signals add SKU names to {@code dirty}.
 *   <li>At most once per {@code interval}, all dirty SKUs are projected in one activity, which
 *       reads the current rows and upserts {@code channel_availability}; its result, per channel,
 *       goes into that channel's {@code waiting} map (latest value per SKU wins).
 *   <li>A channel with waiting values and no push in flight starts one push activity carrying all
 *       of them (one POST). While it is in flight (a dead webhook retries with backoff for as long
 *       as it takes), that channel's newer values wait; the other channels and later projections go
 *       on.
 *   <li>Continue-as-new when Temporal suggests it, after {@code maxSignalsPerRun} signals, {@link
 *       #MAX_HISTORY_EVENTS} events or {@code maxRunDuration} — checked while waiting too, so a
 *       blocked push does not let the history grow. In-flight pushes and a running projection are
 *       cancelled first and their SKUs handed over by name with the dirty and waiting ones; the
 *       next run re-projects them from the current rows (a SKU owed to one channel only is pushed
 *       to that channel only).
 *   <li>With nothing dirty, waiting or in flight for {@code idleTimeout}, the run completes; the
 *       next SignalWithStart starts a new one. A signal that arrives while it completes makes the
 *       server reject the completion, so it is not lost.
 * </ol>
 *
 * <p>A push the receiver rejects for good (a 4xx other than 408/429) is logged and dropped: it will
 * never be accepted, and the next change of those SKUs pushes again.
 */
public class ChannelSyncWorkflowImpl implements ChannelSyncWorkflow {
  /**
   * Continue as new once a run's history has this many events, well below Temporal's limits (and
   * its own suggestion, which is checked as well), whatever caused them.
   */
  static final int MAX_HISTORY_EVENTS = 4_000;

  private static final Logger log = Workflow.getLogger(ChannelSyncWorkflowImpl.class);

  private final ChannelSyncActivities db =
      Workflow.newActivityStub(ChannelSyncActivities.class, cancellable(ActivityPolicies.DATABASE));

  /**
   * {@link ActivityPolicies#WEBHOOK}: start-to-close 30 s per attempt, retried with backoff without
   * limit, a rejection (4xx other than 408/429) not retried; no heartbeat, so a cancellation
   * reaches the activity only as the end of its retries (an attempt already sending finishes,
   * harmlessly: the body sets levels and carries its idempotency key).
   */
  private final ChannelSyncActivities webhooks =
      Workflow.newActivityStub(ChannelSyncActivities.class, cancellable(ActivityPolicies.WEBHOOK));

  /**
   * Cancelling resolves the activity's promise at once and sends the server nothing: cancellation
   * happens only right before continue-as-new, which closes the run, and the server drops a closed
   * run's activities with it (no more retries; a completion is refused). Asking the server first
   * would gain nothing without heartbeats (a running attempt cannot be told) and races with an
   * activity that completes meanwhile. The cost: an attempt that was sending at that moment may
   * overlap the next run's push to the channel once; both carry levels, with {@code syncedAt}.
   */
  private static ActivityOptions cancellable(ActivityOptions policy) {
    return ActivityOptions.newBuilder(policy)
        .setCancellationType(ActivityCancellationType.ABANDON)
        .build();
  }

  /** SKUs every channel has to hear about; a signal may arrive before {@link #run} starts. */
  private Set<String> dirty = new LinkedHashSet<>();

  /** Handed over by the previous run: SKUs only these channels still have to hear about. */
  private final Map<String, Set<String>> owed = new TreeMap<>();

  /** Per channel ID, in first-seen order (deterministic iteration). */
  private final Map<String, Channel> channels = new LinkedHashMap<>();

  private int signals;
  private ChannelSyncInput input;
  private long startedAt;

  /** One channel's push pipeline: values waiting and the single push in flight. */
  private static final class Channel {
    String webhookUrl;
    final Map<String, SkuAvailability> waiting = new TreeMap<>();
    List<String> inFlightSkus = List.of();
    CancellationScope scope;
    Promise<Void> push;
  }

  @Override
  public void skusChanged(List<String> skus) {
    dirty.addAll(skus);
    signals++;
  }

  @Override
  public void run(ChannelSyncInput input) {
    this.input = input;
    this.startedAt = Workflow.currentTimeMillis();
    dirty.addAll(input.dirty());
    input.unconfirmed().forEach((channel, skus) -> owed.put(channel, new LinkedHashSet<>(skus)));
    ChannelSyncSettings settings = input.settings();
    long nextProjectionAt = startedAt; // the first projection right away
    while (true) {
      reapFinishedPushes();
      if (mustContinueAsNew()) continueAsNew(null, null, Set.of(), Map.of());
      long now = Workflow.currentTimeMillis();
      if (hasProjectionWork() && now >= nextProjectionAt) {
        nextProjectionAt = now + settings.interval().toMillis();
        project();
        continue;
      }
      startPushes();
      if (hasProjectionWork()) {
        // Until the interval is over: only start pushes of channels that became free.
        Workflow.await(
            Duration.ofMillis(nextProjectionAt - now),
            () -> anyPushFinished() || mustContinueAsNew());
      } else if (anyPushInFlight()) {
        // Blocked or slow pushes: wake for new work, a finished push, or to check the run limits.
        Duration left =
            settings.maxRunDuration().minusMillis(Workflow.currentTimeMillis() - startedAt);
        Workflow.await(
            left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left,
            () -> hasProjectionWork() || anyPushFinished() || mustContinueAsNew());
      } else if (!Workflow.await(
          settings.idleTimeout(), () -> hasProjectionWork() || mustContinueAsNew())) {
        return; // idle: nothing dirty, waiting or in flight
      }
    }
  }

  /**
   * One activity for every dirty and owed SKU. The sets are swapped out before it starts, so a
   * signal that arrives meanwhile (perhaps committed after the rows were read) marks its SKUs dirty
   * again for the next interval.
   */
  private void project() {
    Set<String> all = dirty;
    dirty = new LinkedHashSet<>();
    Map<String, Set<String>> owedNow = new TreeMap<>(owed);
    owed.clear();
    Set<String> skus = new LinkedHashSet<>(all);
    owedNow.values().forEach(skus::addAll);
    List<Promise<List<ChannelPush>>> result = new ArrayList<>(1);
    CancellationScope scope =
        Workflow.newCancellationScope(
            () -> result.add(Async.function(db::project, List.copyOf(skus))));
    scope.run();
    // A database outage retries the projection; the run limits still apply meanwhile.
    Workflow.await(() -> result.get(0).isCompleted() || mustContinueAsNew());
    if (!result.get(0).isCompleted()) continueAsNew(result.get(0), scope, all, owedNow);
    for (ChannelPush push : result.get(0).get()) {
      Set<String> forChannel = owedNow.getOrDefault(push.channelId(), Set.of());
      Channel channel = channels.computeIfAbsent(push.channelId(), id -> new Channel());
      channel.webhookUrl = push.webhookUrl();
      for (SkuAvailability item : push.items()) {
        if (all.contains(item.sku()) || forChannel.contains(item.sku())) {
          channel.waiting.put(item.sku(), item); // a newer value replaces a waiting one
        }
      }
    }
  }

  /** Starts a push for every channel that has waiting values and none in flight. */
  private void startPushes() {
    channels.forEach(
        (channelId, channel) -> {
          if (channel.push != null || channel.waiting.isEmpty()) return;
          ChannelPush push =
              new ChannelPush(channelId, channel.webhookUrl, List.copyOf(channel.waiting.values()));
          // One key per push body, identical on every retry of it (the UUID is recorded in the
          // history as activity input); re-projected values after continue-as-new get a new key.
          String key = channelId + "/" + Workflow.randomUUID();
          channel.inFlightSkus = List.copyOf(channel.waiting.keySet());
          channel.waiting.clear();
          List<Promise<Void>> started = new ArrayList<>(1);
          channel.scope =
              Workflow.newCancellationScope(
                  () -> started.add(Async.procedure(webhooks::push, push, key)));
          channel.scope.run();
          channel.push = started.get(0);
        });
  }

  private void reapFinishedPushes() {
    channels.forEach(
        (channelId, channel) -> {
          if (channel.push == null || !channel.push.isCompleted()) return;
          RuntimeException failure = channel.push.getFailure();
          if (failure != null && !(failure instanceof CanceledFailure)) {
            // Only a non-retryable failure ends the activity: the receiver rejected the body.
            log.warn(
                "channel {} rejected the push of {} SKUs, dropped: {}",
                channelId,
                channel.inFlightSkus.size(),
                failure.toString());
          }
          channel.push = null;
          channel.scope = null;
          channel.inFlightSkus = List.of();
        });
  }

  private boolean hasProjectionWork() {
    return !dirty.isEmpty() || !owed.isEmpty();
  }

  private boolean anyPushInFlight() {
    return channels.values().stream().anyMatch(c -> c.push != null);
  }

  private boolean anyPushFinished() {
    return channels.values().stream().anyMatch(c -> c.push != null && c.push.isCompleted());
  }

  private boolean mustContinueAsNew() {
    WorkflowInfo info = Workflow.getInfo();
    ChannelSyncSettings settings = input.settings();
    return info.isContinueAsNewSuggested()
        || signals >= settings.maxSignalsPerRun()
        || info.getHistoryLength() >= MAX_HISTORY_EVENTS
        || Workflow.currentTimeMillis() - startedAt >= settings.maxRunDuration().toMillis();
  }

  /**
   * Cancels the pushes in flight (and a running projection), then continues as new with every SKU
   * not yet confirmed, by name.
   *
   * @param projection the running projection to cancel, or null
   * @param projecting SKUs of that projection (for every channel)
   * @param owedProjecting per-channel SKUs of that projection
   */
  private void continueAsNew(
      Promise<?> projection,
      CancellationScope projectionScope,
      Set<String> projecting,
      Map<String, Set<String>> owedProjecting) {
    Set<String> allChannels = new LinkedHashSet<>(projecting);
    Map<String, Set<String>> perChannel = new TreeMap<>();
    owedProjecting.forEach(
        (c, skus) -> perChannel.computeIfAbsent(c, k -> new LinkedHashSet<>()).addAll(skus));
    List<Promise<?>> cancelled = new ArrayList<>();
    if (projection != null && !projection.isCompleted()) {
      projectionScope.cancel();
      cancelled.add(projection);
    }
    channels.forEach(
        (channelId, channel) -> {
          if (channel.push != null && !channel.push.isCompleted()) {
            channel.scope.cancel();
            cancelled.add(channel.push);
            perChannel
                .computeIfAbsent(channelId, k -> new LinkedHashSet<>())
                .addAll(channel.inFlightSkus);
          }
        });
    // Until every cancelled activity has ended (see cancellable); signals handled meanwhile are
    // still picked up below.
    Workflow.await(
        () ->
            cancelled.stream().allMatch(Promise::isCompleted) && Workflow.isEveryHandlerFinished());
    allChannels.addAll(dirty);
    owed.forEach(
        (c, skus) -> perChannel.computeIfAbsent(c, k -> new LinkedHashSet<>()).addAll(skus));
    channels.forEach(
        (channelId, channel) ->
            perChannel
                .computeIfAbsent(channelId, k -> new LinkedHashSet<>())
                .addAll(channel.waiting.keySet()));
    Map<String, List<String>> handedOver = new TreeMap<>();
    perChannel.forEach(
        (c, skus) -> {
          skus.removeAll(allChannels); // re-projected for every channel anyway
          if (!skus.isEmpty()) handedOver.put(c, List.copyOf(skus));
        });
    Workflow.continueAsNew(
        new ChannelSyncInput(
            input.bucket(), input.settings(), List.copyOf(allChannels), handedOver));
  }
}
