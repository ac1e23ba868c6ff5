package io.stockflow.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

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
}
