package io.stockflow.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.HttpRequest;
import java.sql.SQLException;
import java.util.Map;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.Test;

class DatabaseProblemHandlerTest {

  @Test
  void theConstraintNameIsReadFromTheMessageWhenTheDriverGivesNoField() {
    var e =
        new RuntimeException(
            "ERROR: new row for relation \"inventory_levels\" violates check constraint"
                + " \"inventory_never_oversold\"");
    assertThat(DatabaseProblemHandler.constraintName(e)).contains("inventory_never_oversold");
  }

  @Test
  void noConstraintInTheMessageGivesNone() {
    assertThat(DatabaseProblemHandler.constraintName(new RuntimeException("boom"))).isEmpty();
  }

  /**
   * Text PostgreSQL cannot hold (U+0000, SQLSTATE 22021) is the caller's value, not a server
   * failure: the backstop for any text the API's own checks let through.
   */
  @Test
  void textTheDatabaseCannotHoldIsAnInvalidValueNotAServerError() {
    var e =
        new DataAccessException(
            "SQL [select …]",
            new SQLException("ERROR: invalid byte sequence for encoding \"UTF8\": 0x00", "22021"));
    var response = new DatabaseProblemHandler().handle(HttpRequest.GET("/inventory/x"), e);
    assertThat(response.getStatus().getCode()).isEqualTo(422);
    @SuppressWarnings("unchecked")
    Map<String, Object> body = (Map<String, Object>) response.body();
    assertThat(body.get("type")).isEqualTo(Problems.TYPE_BASE + "invalid-value");
    assertThat(String.valueOf(body.get("detail"))).doesNotContain("UTF8");
  }
}
