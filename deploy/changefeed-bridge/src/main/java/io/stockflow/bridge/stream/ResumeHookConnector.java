package io.stockflow.bridge.stream;

import io.debezium.config.Configuration;
import io.debezium.connector.postgresql.PostgresConnector;
import io.debezium.connector.postgresql.PostgresConnectorTask;
import io.debezium.connector.postgresql.PostgresOffsetContext;
import io.debezium.connector.postgresql.PostgresPartition;
import io.debezium.pipeline.ChangeEventSourceCoordinator;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.apache.kafka.connect.connector.Task;

/**
 * Debezium's PostgreSQL connector, except that its task tells the bridge every time it starts, with
 * the offset it is about to resume from.
 *
 * <p>Debezium restarts the task by itself after a retriable error (e.g. the walsender's connection
 * is terminated) and resumes from its stored offset, also in the middle of a transaction the
 * handler has partly seen. No engine callback reports such a restart, so this hook does: {@link
 * ChangeHandler#resume} runs before the restarted task streams, on the polling thread.
 *
 * <p>The bridge registers a hook and passes its id as the connector property {@value #HOOK}.
 */
public class ResumeHookConnector extends PostgresConnector {
  public static final String HOOK = "stockflow.bridge.resume.hook";
  private static final Map<String, Consumer<Map<String, ?>>> HOOKS = new ConcurrentHashMap<>();

  /** Registers {@code onStart}; returns the id for the {@value #HOOK} property. */
  public static String register(Consumer<Map<String, ?>> onStart) {
    String id = UUID.randomUUID().toString();
    HOOKS.put(id, onStart);
    return id;
  }

  public static void unregister(String id) {
    HOOKS.remove(id);
  }

  @Override
  public Class<? extends Task> taskClass() {
    return HookedTask.class;
  }

  /** The PostgreSQL task; instantiated by Debezium through its public no-argument constructor. */
  public static class HookedTask extends PostgresConnectorTask {
    @Override
    public ChangeEventSourceCoordinator<PostgresPartition, PostgresOffsetContext> start(
        Configuration config) {
      Consumer<Map<String, ?>> hook = HOOKS.get(config.getString(HOOK));
      if (hook != null) {
        // Debezium's source partition of a PostgreSQL connector: {"server": <topic.prefix>}.
        Map<String, ?> stored =
            context
                .offsetStorageReader()
                .offset(Map.of("server", config.getString("topic.prefix")));
        hook.accept(stored);
      }
      return super.start(config);
    }
  }
}
