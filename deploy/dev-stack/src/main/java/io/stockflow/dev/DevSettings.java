package io.stockflow.dev;

import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.embedded.Ports;
import java.nio.file.Path;
import java.util.Map;

/**
 * What the dev stack starts and where. Built from environment variables (documented in README) and
 * command-line flags; a variable naming an external server means that server is not started here.
 *
 * @param externalDatabaseUrl STOCKFLOW_DATABASE_URL: a jdbc:postgresql URL of PostgreSQL or
 *     CockroachDB, or null
 * @param externalKafka STOCKFLOW_KAFKA_BOOTSTRAP, or null
 * @param externalTemporal STOCKFLOW_TEMPORAL_TARGET host:port, or null
 * @param externalTemporalUi STOCKFLOW_TEMPORAL_UI_URL, or null
 * @param devApiKey STOCKFLOW_DEV_API_KEY: an API key with every role, printed in the banner
 * @param extraProperties more platform properties (tests use this)
 * @param durable whether the embedded PostgreSQL and Kafka wait for the disk at each commit (fsync,
 *     a flush per message); false only for tests, whose data need not survive an operating-system
 *     crash (a killed process loses nothing either way: its writes are in the kernel's page cache)
 */
public record DevSettings(
    Path dataDir,
    boolean fresh,
    boolean seed,
    String roles,
    int pgPort,
    int kafkaPort,
    int kafkaControllerPort,
    int temporalPort,
    int temporalUiPort,
    int apiPort,
    int partitions,
    String externalDatabaseUrl,
    String externalKafka,
    String externalTemporal,
    String externalTemporalUi,
    String devApiKey,
    Map<String, Object> extraProperties,
    boolean durable) {

  public static final String DEFAULT_DEV_API_KEY = "stockflow-dev-key";

  public static DevSettings from(Map<String, String> env, String[] args) {
    boolean fresh = false;
    boolean seed = true;
    for (String a : args) {
      switch (a) {
        case "--fresh" -> fresh = true;
        case "--no-seed" -> seed = false;
        default ->
            throw new IllegalArgumentException(
                "unknown option " + a + " (known: --fresh, --no-seed)");
      }
    }
    return new DevSettings(
        Path.of(env.getOrDefault("STOCKFLOW_DATA_DIR", ".data")).toAbsolutePath(),
        fresh,
        seed,
        env.getOrDefault("STOCKFLOW_ROLES", "api,consumer,worker"),
        port(env, "STOCKFLOW_PG_PORT", 15432),
        port(env, "STOCKFLOW_KAFKA_PORT", 19092),
        port(env, "STOCKFLOW_KAFKA_CONTROLLER_PORT", 19093),
        port(env, "STOCKFLOW_TEMPORAL_PORT", 7233),
        port(env, "STOCKFLOW_TEMPORAL_UI_PORT", 8233),
        port(env, "STOCKFLOW_API_PORT", 8080),
        partitions(env.get("STOCKFLOW_CHANGEFEED_PARTITIONS")),
        blankToNull(env.get("STOCKFLOW_DATABASE_URL")),
        blankToNull(env.get("STOCKFLOW_KAFKA_BOOTSTRAP")),
        blankToNull(env.get("STOCKFLOW_TEMPORAL_TARGET")),
        blankToNull(env.get("STOCKFLOW_TEMPORAL_UI_URL")),
        env.getOrDefault("STOCKFLOW_DEV_API_KEY", DEFAULT_DEV_API_KEY),
        Map.of(),
        true);
  }

  /**
   * Everything embedded under {@code dataDir} on free loopback ports: what benchmarks use so they
   * never collide with a running dev stack (tests use {@link #forTests}).
   */
  public static DevSettings isolated(Path dataDir, Map<String, Object> extraProperties) {
    return isolated(dataDir, extraProperties, true);
  }

  private static DevSettings isolated(
      Path dataDir, Map<String, Object> extraProperties, boolean durable) {
    return new DevSettings(
        dataDir,
        false,
        true,
        "api,consumer,worker",
        Ports.free(),
        Ports.free(),
        Ports.free(),
        Ports.free(),
        Ports.free(),
        Ports.free(),
        3,
        null,
        null,
        null,
        null,
        DEFAULT_DEV_API_KEY,
        Map.copyOf(extraProperties),
        durable);
  }

  /**
   * {@link #isolated} with servers that skip fsync and per-message flushes: what integration tests
   * use (a benchmark keeps {@link #isolated}, which measures the disk as {@code ./stockflow dev}
   * has it).
   */
  public static DevSettings forTests(Path dataDir, Map<String, Object> extraProperties) {
    return isolated(dataDir, extraProperties, false);
  }

  /** The same settings with external servers (null = embedded). */
  public DevSettings withExternal(String databaseUrl, String kafka, String temporal) {
    return new DevSettings(
        dataDir,
        fresh,
        seed,
        roles,
        pgPort,
        kafkaPort,
        kafkaControllerPort,
        temporalPort,
        temporalUiPort,
        apiPort,
        partitions,
        databaseUrl,
        kafka,
        temporal,
        externalTemporalUi,
        devApiKey,
        extraProperties,
        durable);
  }

  private static int port(Map<String, String> env, String name, int dflt) {
    String v = env.get(name);
    if (v == null || v.isBlank()) return dflt;
    try {
      int p = Integer.parseInt(v.trim());
      if (p < 0 || p > 65535) throw new NumberFormatException();
      return p;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(name + "=" + v + " is not a number from 0 to 65535");
    }
  }

  private static int partitions(String v) {
    if (v == null || v.isBlank()) return ChangefeedDeclaration.stockflow().partitions();
    try {
      int n = Integer.parseInt(v.trim());
      if (n < 1 || n > 1000) throw new NumberFormatException();
      return n;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "STOCKFLOW_CHANGEFEED_PARTITIONS=" + v + " is not a number from 1 to 1000");
    }
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
