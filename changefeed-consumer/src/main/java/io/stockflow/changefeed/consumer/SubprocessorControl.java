package io.stockflow.changefeed.consumer;

import static io.stockflow.db.jooq.Tables.SUBPROCESSOR_STATE;
import static org.jooq.impl.DSL.currentOffsetDateTime;

import io.stockflow.db.Transactions;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pause and resume switches per subprocessor, stored in {@code subprocessor_state} so every
 * consumer instance sees them (each re-reads them every {@code controlRefreshInterval}).
 *
 * <p>While a subprocessor is paused, its changes do not wait in the partition: they are parked as
 * dead letters with error class {@code paused}, its fences advance and the partition moves on for
 * everyone else. When an instance sees the resume it re-drives the parked letters of its assigned
 * partitions in source order before the subprocessor handles any live change again, so nothing is
 * lost and per-partition order holds. Idempotent; thread-safe.
 */
public final class SubprocessorControl {
  private static final Logger log = LoggerFactory.getLogger(SubprocessorControl.class);

  private final Transactions tx;
  private final Set<String> known;

  /**
   * @param known the configured subprocessor names; switching any other name fails
   */
  SubprocessorControl(Transactions tx, Set<String> known) {
    this.tx = Objects.requireNonNull(tx, "tx");
    this.known = Set.copyOf(known);
  }

  public void pause(String subprocessor) {
    set(subprocessor, true);
  }

  public void resume(String subprocessor) {
    set(subprocessor, false);
  }

  /** The paused subprocessors, as stored now. */
  public Set<String> paused() {
    var s = SUBPROCESSOR_STATE;
    return new TreeSet<>(
        tx.dsl().select(s.SUBPROCESSOR).from(s).where(s.PAUSED.isTrue()).fetch(s.SUBPROCESSOR));
  }

  private void set(String subprocessor, boolean paused) {
    if (!known.contains(subprocessor))
      throw new IllegalArgumentException(
          "unknown subprocessor \"" + subprocessor + "\"; known: " + new TreeSet<>(known));
    var s = SUBPROCESSOR_STATE;
    tx.run(
        dsl ->
            dsl.insertInto(s)
                .set(s.SUBPROCESSOR, subprocessor)
                .set(s.PAUSED, paused)
                .onConflict(s.SUBPROCESSOR)
                .doUpdate()
                .set(s.PAUSED, paused)
                .set(s.LAST_UPDATED, currentOffsetDateTime())
                .execute());
    log.info("subprocessor '{}' {}", subprocessor, paused ? "paused" : "resumed");
  }
}
