package io.stockflow.db;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;

/**
 * How stockflow writes JSON for people and other systems: API responses (Micronaut's mapper, which
 * the api configures with {@link #configure}), webhook bodies, alert details, what the CLI reads.
 * Instants are ISO-8601 text ({@code "2026-12-03T08:15:00Z"}), not epoch numbers. Changefeed
 * messages are JSON of another kind: {@link io.stockflow.db.changefeed.ChangefeedJson}.
 */
public final class Json {
  private Json() {}

  /**
   * Applies stockflow's settings to {@code mapper} (also to one a framework created); returns it.
   */
  public static ObjectMapper configure(ObjectMapper mapper) {
    return mapper
        .registerModule(new JavaTimeModule())
        .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
  }

  /** A new mapper with stockflow's settings; thread-safe, keep it in a field. */
  public static ObjectMapper mapper() {
    return configure(new ObjectMapper());
  }
}
