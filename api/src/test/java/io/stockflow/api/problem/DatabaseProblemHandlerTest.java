package io.stockflow.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DatabaseProblemHandlerTest {

  @Test
  void the_constraint_name_is_read_from_the_message_when_the_driver_gives_no_field() {
    var e =
        new RuntimeException(
            "ERROR: new row for relation \"inventory_levels\" violates check constraint"
                + " \"inventory_never_oversold\"");
    assertThat(DatabaseProblemHandler.constraintName(e)).contains("inventory_never_oversold");
  }

  @Test
  void no_constraint_in_the_message_gives_none() {
    assertThat(DatabaseProblemHandler.constraintName(new RuntimeException("boom"))).isEmpty();
  }
}
