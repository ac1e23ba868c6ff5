package io.stockflow.workflows.reservations;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.workflows.support.TestEnvironments;
import io.temporal.testing.TestWorkflowEnvironment;
import io.temporal.worker.Worker;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReservationExpiryWorkflowTest {
  static final String QUEUE = "expiry-test";

  TestWorkflowEnvironment env;
  ReservationExpiryClient expiry;
  final List<Instant> expireCalls = new ArrayList<>();
  String dbStatus = "active";
  Instant dbExpiresAt;

  @BeforeEach
  void start() {
    env = TestEnvironments.create();
    Worker worker = env.newWorker(QUEUE);
    worker.registerWorkflowImplementationTypes(ReservationExpiryWorkflowImpl.class);
    // The conditional update, in memory.
    worker.registerActivitiesImplementations(
        (ReservationExpiryActivities)
            id -> {
              Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
              expireCalls.add(now);
              if (!dbStatus.equals("active")) return new ExpireResult(ExpiryOutcome.ENDED, null);
              if (dbExpiresAt.isAfter(now))
                return new ExpireResult(ExpiryOutcome.ENDED, dbExpiresAt);
              dbStatus = "expired";
              return new ExpireResult(ExpiryOutcome.EXPIRED, null);
            });
    env.start();
    expiry = new ReservationExpiryClient(env.getWorkflowClient(), QUEUE);
  }

  @AfterEach
  void stop() {
    env.close();
  }

  ReservationChange change(String status, Instant expiresAt) {
    dbStatus = status;
    dbExpiresAt = expiresAt;
    return new ReservationChange("cart-7:1", "JERKY-TERIYAKI-3OZ", "SEA1", status, expiresAt);
  }

  ExpiryOutcome outcome() {
    return env.getWorkflowClient()
        .newUntypedWorkflowStub(ReservationExpiryClient.workflowId("cart-7:1"))
        .getResult(ExpiryOutcome.class);
  }

  @Test
  void expiresAnActiveReservationAtExpiresAt() {
    Instant expiresAt = Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofMinutes(15));
    expiry.onReservationChanged(change("active", expiresAt));
    assertThat(outcome()).isEqualTo(ExpiryOutcome.EXPIRED);
    assertThat(expireCalls).hasSize(1);
    assertThat(expireCalls.get(0)).isAfterOrEqualTo(expiresAt);
    TestEnvironments.recordIfRequested(
        env, ReservationExpiryClient.workflowId("cart-7:1"), "reservation-expired");
  }

  @Test
  void endsEarlyWithoutTouchingTheDatabaseWhenConfirmed() {
    Instant expiresAt = Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofMinutes(15));
    expiry.onReservationChanged(change("active", expiresAt));
    env.sleep(Duration.ofMinutes(3));
    expiry.onReservationChanged(change("confirmed", expiresAt));
    assertThat(outcome()).isEqualTo(ExpiryOutcome.ENDED);
    assertThat(expireCalls).isEmpty();
    assertThat(dbStatus).isEqualTo("confirmed");
  }

  @Test
  void anExtensionMovesTheTimerSignalledOrFoundInTheDatabase() {
    Instant now = Instant.ofEpochMilli(env.currentTimeMillis());
    expiry.onReservationChanged(change("active", now.plus(Duration.ofMinutes(15))));
    env.sleep(Duration.ofMinutes(5));
    expiry.onReservationChanged(change("active", now.plus(Duration.ofMinutes(30))));
    // Extended again, this time only in the database (no signal).
    dbExpiresAt = now.plus(Duration.ofMinutes(45));
    assertThat(outcome()).isEqualTo(ExpiryOutcome.EXPIRED);
    assertThat(expireCalls).hasSize(2);
    assertThat(expireCalls.get(1)).isAfterOrEqualTo(now.plus(Duration.ofMinutes(45)));
  }

  @Test
  void aReplayedActiveChangeAfterCompletionDoesNotRestartTheTimer() {
    Instant expiresAt = Instant.ofEpochMilli(env.currentTimeMillis()).plus(Duration.ofMinutes(1));
    ReservationChange active = change("active", expiresAt);
    expiry.onReservationChanged(active);
    assertThat(outcome()).isEqualTo(ExpiryOutcome.EXPIRED);
    expiry.onReservationChanged(active);
    env.sleep(Duration.ofMinutes(5));
    assertThat(expireCalls).hasSize(1);
  }
}
