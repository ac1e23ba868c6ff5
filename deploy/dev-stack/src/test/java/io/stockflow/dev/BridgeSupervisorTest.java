package io.stockflow.dev;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stockflow.bridge.FatalBridgeException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's decisions, with stand-in bridges whose stop the test controls (the real bridge
 * is covered by the changefeed-bridge module's integration tests).
 */
class BridgeSupervisorTest {
  static final Duration SHORT = Duration.ofMillis(10);

  /** A bridge that runs until the test stops it, with or without a failure. */
  static final class FakeBridge implements BridgeSupervisor.Instance {
    final CountDownLatch stopped = new CountDownLatch(1);
    final AtomicReference<Throwable> failure = new AtomicReference<>();
    volatile boolean closed;

    void fail(Throwable t) {
      failure.set(t);
      stopped.countDown();
    }

    @Override
    public void awaitTermination() throws InterruptedException {
      stopped.await();
    }

    @Override
    public Optional<Throwable> failure() {
      return Optional.ofNullable(failure.get());
    }

    @Override
    public void close() {
      closed = true;
      stopped.countDown();
    }
  }

  /** Hands out new fake bridges, or throws what the test queued for the next start. */
  static final class Starter implements Supplier<BridgeSupervisor.Instance> {
    final List<FakeBridge> started = new CopyOnWriteArrayList<>();
    final List<RuntimeException> failNextStarts = new CopyOnWriteArrayList<>();

    @Override
    public BridgeSupervisor.Instance get() {
      if (!failNextStarts.isEmpty()) throw failNextStarts.remove(0);
      FakeBridge b = new FakeBridge();
      started.add(b);
      return b;
    }

    FakeBridge last() {
      return started.get(started.size() - 1);
    }
  }

  @Test
  void aBridgeThatStopsWithAnErrorIsStartedAgainAndReportedDownMeanwhile() {
    Starter starter = new Starter();
    try (BridgeSupervisor s = BridgeSupervisor.start(starter, SHORT, SHORT)) {
      assertThat(s.status().running()).isTrue();
      // The next start fails once (e.g. PostgreSQL still down), then works.
      starter.failNextStarts.add(new IllegalStateException("connection refused"));
      starter.last().fail(new IllegalStateException("walsender gone"));

      await().atMost(Duration.ofSeconds(30)).until(() -> starter.started.size() == 2);
      await().atMost(Duration.ofSeconds(30)).until(() -> s.status().running());
      assertThat(s.status().restarts()).isEqualTo(1);
      assertThat(s.status().lastFailure()).contains("connection refused");
      assertThat(s.status().fatal()).isFalse();

      starter.last().fail(new IllegalStateException("Kafka send failed"));
      await().atMost(Duration.ofSeconds(30)).until(() -> starter.started.size() == 3);
      await().atMost(Duration.ofSeconds(30)).until(() -> s.status().running());
      assertThat(s.status().restarts()).isEqualTo(2);
      assertThat(s.status().lastFailure()).contains("Kafka send failed");
    }
    assertThat(starter.started).allMatch(b -> b.closed || b.stopped.getCount() == 0);
    assertThat(starter.last().closed).isTrue();
  }

  @Test
  void aFatalFailureLeavesTheBridgeStoppedAndDownWithTheReason() throws Exception {
    Starter starter = new Starter();
    try (BridgeSupervisor s = BridgeSupervisor.start(starter, SHORT, SHORT)) {
      starter.last().fail(new FatalBridgeException("replication slot x does not exist"));
      await().atMost(Duration.ofSeconds(30)).until(() -> s.status().fatal());
      assertThat(s.status().running()).isFalse();
      assertThat(s.status().lastFailure()).contains("replication slot x does not exist");
      assertThat(starter.started).hasSize(1);
    }
  }

  @Test
  void aFatalFailureOfARestartAlsoStopsTheRestarts() {
    Starter starter = new Starter();
    try (BridgeSupervisor s = BridgeSupervisor.start(starter, SHORT, SHORT)) {
      starter.failNextStarts.add(new FatalBridgeException("replication slot x does not exist"));
      starter.last().fail(new IllegalStateException("walsender gone"));
      await().atMost(Duration.ofSeconds(30)).until(() -> s.status().fatal());
      assertThat(s.status().running()).isFalse();
      assertThat(starter.started).hasSize(1);
      assertThat(starter.failNextStarts).isEmpty();
    }
  }

  @Test
  void closeDuringTheBackoffStopsTheSupervisorWithoutAnotherStart() {
    Starter starter = new Starter();
    BridgeSupervisor s = BridgeSupervisor.start(starter, Duration.ofHours(1), Duration.ofHours(1));
    starter.last().fail(new IllegalStateException("walsender gone"));
    await().atMost(Duration.ofSeconds(30)).until(() -> !s.status().running());
    s.close();
    assertThat(starter.started).hasSize(1);
    assertThat(s.status().running()).isFalse();
  }

  @Test
  void theBackoffDoublesFromOneSecondUpToThirty() {
    Duration d = Duration.ofSeconds(1);
    StringBuilder seen = new StringBuilder();
    for (int i = 0; i < 7; i++) {
      seen.append(d.toSeconds()).append(' ');
      d = BridgeSupervisor.nextDelay(d, Duration.ofSeconds(30));
    }
    assertThat(seen.toString().trim()).isEqualTo("1 2 4 8 16 30 30");
  }
}
