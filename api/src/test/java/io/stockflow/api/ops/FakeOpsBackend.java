package io.stockflow.api.ops;

import io.micronaut.context.annotation.Requires;
import jakarta.inject.Singleton;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A simple in-memory {@link OpsBackend} for the API's tests: the API's contract ends at the
 * interface, so this records what the API asked and answers like the real one would. Not a Kafka
 * mock: it knows nothing of Kafka.
 */
@Singleton
@Requires(env = "test")
@Requires(property = "test.ops-backend", notEquals = "false")
public class FakeOpsBackend implements OpsBackend, AlertAcknowledger {
  public static final UUID LETTER = UUID.fromString("11111111-1111-1111-1111-111111111111");
  public static final UUID ALERT = UUID.fromString("22222222-2222-2222-2222-222222222222");

  /** A letter whose subprocessor is no longer enabled for its table. */
  public static final UUID ORPHAN = UUID.fromString("33333333-3333-3333-3333-333333333333");

  /** The message value every fake letter carries. */
  public static final String PAYLOAD = "{\"after\":{\"sku\":\"SKU\"},\"updated\":\"1.0\"}";

  final Map<UUID, String> letterStatus = new ConcurrentHashMap<>(Map.of(LETTER, "pending"));
  final Set<String> paused = ConcurrentHashMap.newKeySet();
  final Map<UUID, String> acknowledgedBy = new ConcurrentHashMap<>();
  volatile String lastQuery;

  @Override
  public List<OpsModels.DeadLetter> deadLetters(String subprocessor, String status, int limit) {
    lastQuery = subprocessor + "|" + status + "|" + limit;
    List<OpsModels.DeadLetter> out = new ArrayList<>();
    letterStatus.forEach(
        (id, s) -> {
          if (status == null || status.equals(s)) {
            out.add(
                new OpsModels.DeadLetter(
                    id.toString(),
                    "inventory_levels",
                    0,
                    42,
                    "restock",
                    "inventory_levels.dlq",
                    "[\"SKU\",\"LOC\"]",
                    "java.lang.IllegalStateException",
                    "boom",
                    5,
                    Instant.parse("2026-01-01T00:00:00Z"),
                    Instant.parse("2026-01-01T00:01:00Z"),
                    s,
                    null));
          }
        });
    return out;
  }

  @Override
  public OpsModels.RedriveResult redrive(UUID id) {
    if (id.equals(ORPHAN))
      return new OpsModels.RedriveResult(
          OpsModels.RedriveResult.Outcome.SUBPROCESSOR_NOT_CONFIGURED,
          "subprocessor 'retired' is not enabled for inventory_levels in this configuration");
    String before = letterStatus.computeIfPresent(id, (k, v) -> "redriven");
    if (before == null) {
      return new OpsModels.RedriveResult(
          OpsModels.RedriveResult.Outcome.NOT_FOUND, "no such letter");
    }
    return new OpsModels.RedriveResult(OpsModels.RedriveResult.Outcome.REDRIVEN, "sent again");
  }

  @Override
  public OpsModels.ConsumerStatus status() {
    return new OpsModels.ConsumerStatus(
        List.of(
            new OpsModels.FeedStatus(
                "inventory_levels",
                "inventory_levels",
                Instant.parse("2026-01-01T00:00:00Z"),
                1.5,
                3,
                false,
                List.of(
                    new OpsModels.LaneStatus("restock", false, 12, 0, 250, null, null),
                    new OpsModels.LaneStatus("audit-log", true, 0, 0, 40, null, null)))),
        List.of(
            new OpsModels.SubprocessorStatus(
                "restock", List.of("inventory_levels"), paused.contains("restock"), 10, 1, 2, 1)));
  }

  @Override
  public OpsModels.SwitchResult pause(String name) {
    if (!name.equals("restock")) return unknown();
    boolean changed = paused.add(name);
    return new OpsModels.SwitchResult(
        changed ? OpsModels.SwitchResult.Outcome.CHANGED : OpsModels.SwitchResult.Outcome.UNCHANGED,
        true);
  }

  @Override
  public OpsModels.SwitchResult resume(String name) {
    if (!name.equals("restock")) return unknown();
    boolean changed = paused.remove(name);
    return new OpsModels.SwitchResult(
        changed ? OpsModels.SwitchResult.Outcome.CHANGED : OpsModels.SwitchResult.Outcome.UNCHANGED,
        false);
  }

  @Override
  public Outcome acknowledge(UUID alertId, String by) {
    if (!alertId.equals(ALERT)) return Outcome.NOT_FOUND;
    return acknowledgedBy.putIfAbsent(alertId, by) == null
        ? Outcome.ACKNOWLEDGED
        : Outcome.ALREADY_ACKNOWLEDGED;
  }

  @Override
  public Optional<OpsModels.DeadLetterDetail> deadLetter(UUID id) {
    return deadLetters(null, null, 500).stream()
        .filter(l -> l.id().equals(id.toString()))
        .findFirst()
        .map(l -> new OpsModels.DeadLetterDetail(l, PAYLOAD));
  }

  @Override
  public List<OpsModels.LaneMetrics> lanes() {
    return List.of(
        new OpsModels.LaneMetrics(
            "inventory_levels",
            "restock",
            true,
            paused.contains("restock"),
            false,
            3,
            Instant.parse("2026-01-01T00:00:00Z"),
            1.5,
            false,
            12,
            0,
            new OpsModels.LaneTotals(10, 1, 2, 1, 0),
            new OpsModels.LaneRecent(60, 0.5, 0.0, 250.0),
            250,
            null,
            null));
  }

  private static OpsModels.SwitchResult unknown() {
    return new OpsModels.SwitchResult(OpsModels.SwitchResult.Outcome.UNKNOWN_SUBPROCESSOR, false);
  }
}
