package io.stockflow.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class TransactionsTest {
  @Test
  void retriesOnlySerializationFailuresAndDeadlocks() {
    assertThat(
            Transactions.isRetryable(
                new DataAccessException("x", new SQLException("restart", "40001"))))
        .isTrue();
    // A deadlock victim was rolled back whole: as safe to run again as a 40001.
    assertThat(
            Transactions.isRetryable(
                new DataAccessException("x", new SQLException("deadlock detected", "40P01"))))
        .isTrue();
    assertThat(Transactions.isRetryable(new RuntimeException(new SQLException("check", "23514"))))
        .isFalse();
    assertThat(Transactions.isRetryable(new RuntimeException("no sql state"))).isFalse();
  }
}
