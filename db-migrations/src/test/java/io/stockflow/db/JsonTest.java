package io.stockflow.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {
  @Test
  void instantsAreWrittenAsIsoText() throws Exception {
    String json =
        Json.mapper().writeValueAsString(Map.of("at", Instant.parse("2026-12-03T08:15:00Z")));

    assertThat(json).isEqualTo("{\"at\":\"2026-12-03T08:15:00Z\"}");
  }
}
