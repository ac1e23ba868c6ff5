package io.stockflow.workflows.alerts;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** The alerts table in memory; records every notification. Mirrors {@link AlertActivitiesImpl}. */
public final class FakeAlertActivities implements AlertActivities {
  /** episode key → status. */
  public final Map<String, String> statuses = new HashMap<>();

  /** "episodeKey#number escalated?" per delivered notification. */
  public final List<String> notifications = new ArrayList<>();

  /** "kind/episode" (episode "-" when none) per {@code open} call. */
  public final List<String> opens = new ArrayList<>();

  public boolean conditionHolds = true;
  private final Map<String, Long> counts = new HashMap<>();
  private final Map<String, String> ackBy = new HashMap<>();

  @Override
  public synchronized AlertRecord open(AlertInput input) {
    opens.add(input.kind().code() + "/" + (input.episode() == null ? "-" : input.episode()));
    String row =
        AlertClient.workflowId(input.kind(), input.sku(), input.locationId())
            .substring(AlertClient.KIND.length() + 1);
    if (input.episode() != null) {
      String key = row + "/" + input.episode();
      statuses.putIfAbsent(key, "open");
      return statuses.get(key).equals("open") ? record(key) : null;
    }
    for (var e : statuses.entrySet()) {
      if (e.getKey().startsWith(row + "/")
          && (e.getValue().equals("open") || e.getValue().equals("acknowledged"))) {
        return record(e.getKey());
      }
    }
    if (!conditionHolds) return null;
    long n = statuses.keySet().stream().filter(k -> k.startsWith(row + "/")).count() + 1;
    statuses.put(row + "/" + n, "open");
    return record(row + "/" + n);
  }

  @Override
  public synchronized boolean notify(
      AlertRecord alert, AlertInput input, long number, boolean escalated) {
    if (!statuses.get(alert.episodeKey()).equals("open")) return false;
    if (input.kind().isCondition() && !conditionHolds) {
      statuses.put(alert.episodeKey(), "resolved");
      return false;
    }
    notifications.add(alert.episodeKey() + "#" + number + (escalated ? " escalated" : ""));
    counts.merge(alert.episodeKey(), number, Math::max);
    return true;
  }

  @Override
  public synchronized boolean conditionHolds(AlertInput input) {
    return conditionHolds;
  }

  @Override
  public synchronized void acknowledge(AlertRecord alert, String by) {
    if (statuses.get(alert.episodeKey()).equals("open")) {
      statuses.put(alert.episodeKey(), "acknowledged");
      ackBy.put(alert.episodeKey(), by);
    }
  }

  @Override
  public synchronized void resolve(AlertRecord alert) {
    statuses.put(alert.episodeKey(), "resolved");
  }

  private AlertRecord record(String key) {
    return new AlertRecord("id-" + key, key, counts.getOrDefault(key, 0L), ackBy.get(key));
  }
}
