package io.stockflow.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.SQLException;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class TransactionsTest {
  @Test
  void retriesOnlySerializationFailures() {
    assertThat(
            Transactions.isRetryable(
                new DataAccessException("x", new SQLException("restart", "40001"))))
        .isTrue();
    assertThat(Transactions.isRetryable(new RuntimeException(new SQLException("check", "23514"))))
        .isFalse();
    assertThat(Transactions.isRetryable(new RuntimeException("no sql state"))).isFalse();
  }
}
