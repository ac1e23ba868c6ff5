package io.stockflow.dev;

import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.stockflow.api.security.ApiKeys;
import io.stockflow.bridge.BridgeHealth;
import io.stockflow.db.Database;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.CockroachChangefeedSql.SinkOptions;
import io.stockflow.embedded.EmbeddedKafkaBroker;
import io.stockflow.embedded.EmbeddedPostgresServer;
import io.stockflow.embedded.StartupException;
import io.stockflow.embedded.TemporalDevServer;
import io.stockflow.platform.CockroachChangefeed;
import io.stockflow.platform.StockflowApplication;
import io.stockflow.workflows.StockflowSearchAttributes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CountDownLatch;
import java.util.function.Supplier;
import java.util.stream.Stream;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The whole platform on one machine with one command: PostgreSQL (logical WAL), a Kafka KRaft
 * broker, the Temporal dev server with its Web UI, the PostgreSQL changefeed bridge, and the
 * platform (API + consumers + workers). Each server can be replaced by a real one through
 * environment variables; then it is not started here.
 *
 * <p>Components start in dependency order and stop in reverse, also when a later one fails to
 * start.
 */
public final class DevStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger("stockflow");

  private final DevSettings settings;
  private final Deque<Component> running = new ArrayDeque<>();
  private String jdbcUrl;
  private String kafkaBootstrap;
  private String temporalTarget;
  private String temporalUi;
  private String apiUrl;
  private ApplicationContext platform;
  private BridgeHealth bridgeHealth;

  private record Component(String name, AutoCloseable handle) {}

  private DevStack(DevSettings settings) {
    this.settings = settings;
  }

  /** Starts everything; on failure stops what was already started and rethrows. */
  public static DevStack start(DevSettings settings) {
    DevStack stack = new DevStack(settings);
    try {
      stack.startAll();
      return stack;
    } catch (RuntimeException | Error e) {
      stack.close();
      throw e;
    }
  }

  private void startAll() {
    if (settings.fresh()) deleteDataDir();
    long t0 = System.nanoTime();

    // The three servers do not depend on each other: start them side by side.
    CompletableFuture<EmbeddedPostgresServer> pg =
        settings.externalDatabaseUrl() != null ? null : async(this::startPostgres);
    CompletableFuture<EmbeddedKafkaBroker> kafka =
        settings.externalKafka() != null ? null : async(this::startKafka);
    CompletableFuture<TemporalDevServer> temporal =
        settings.externalTemporal() != null ? null : async(this::startTemporal);
    // Register in dependency order (so they stop in reverse), also those that started when
    // another failed, then rethrow the first failure.
    RuntimeException failure = null;
    if (pg != null) failure = register("PostgreSQL", pg, failure);
    if (kafka != null) failure = register("Kafka", kafka, failure);
    if (temporal != null) failure = register("Temporal dev server", temporal, failure);
    if (failure != null) throw failure;

    if (pg == null) {
      jdbcUrl = settings.externalDatabaseUrl();
      log.info("PostgreSQL: using external database {}", redact(jdbcUrl));
    } else {
      jdbcUrl = pg.join().jdbcUrl();
    }
    if (kafka == null) {
      kafkaBootstrap = settings.externalKafka();
      log.info("Kafka: using external brokers {}", kafkaBootstrap);
    } else {
      kafkaBootstrap = kafka.join().bootstrapServers();
    }
    if (temporal == null) {
      temporalTarget = settings.externalTemporal();
      temporalUi = settings.externalTemporalUi();
      log.info("Temporal: using external server {}", temporalTarget);
    } else {
      temporalTarget = temporal.join().target();
      temporalUi = temporal.join().uiUrl();
    }

    DataSource ds = dataSource(jdbcUrl);
    boolean seeded = migrate(ds, settings.seed());
    log.info("Database migrated{}", seeded ? ", demo data inserted" : "");

    ChangefeedDeclaration feed =
        ChangefeedDeclaration.stockflow().withPartitions(settings.partitions());
    startChangefeed(feed, ds);

    log.info("Platform starting (roles {})", settings.roles());
    Map<String, Object> props = new HashMap<>();
    props.put("stockflow.database.url", jdbcUrl);
    props.put("stockflow.kafka.bootstrap", kafkaBootstrap);
    props.put("stockflow.temporal.target", temporalTarget);
    if (temporalUi != null) props.put("stockflow.temporal.ui-url", temporalUi);
    props.put("stockflow.roles", settings.roles());
    props.put("stockflow.database.migrate", false); // just done above
    props.put("micronaut.server.port", settings.apiPort());
    // One key with every role, for the developer at this machine; production configures its own.
    props.put(ApiKeys.PROPERTY + "." + settings.devApiKey(), "channel,associate,ops");
    props.putAll(settings.extraProperties());
    // The in-process bridge's liveness becomes the "bridge" health indicator.
    platform =
        bridgeHealth == null
            ? StockflowApplication.start(props)
            : StockflowApplication.start(props, bridgeHealth);
    running.push(new Component("Platform", platform::close));
    apiUrl =
        platform
            .findBean(EmbeddedServer.class)
            .map(s -> s.getURL().toString().replaceFirst("/$", ""))
            .orElse("(api role off)");
    log.info(
        "Platform ready at {} ({} ms since start)", apiUrl, (System.nanoTime() - t0) / 1_000_000);
  }

  private EmbeddedPostgresServer startPostgres() {
    log.info("PostgreSQL starting (data in {})", settings.dataDir().resolve("postgres"));
    Path data = settings.dataDir().resolve("postgres/data");
    EmbeddedPostgresServer pg =
        settings.durable()
            ? EmbeddedPostgresServer.start(data, settings.pgPort())
            : EmbeddedPostgresServer.startForTests(data, settings.pgPort());
    log.info("PostgreSQL ready at {}", pg.jdbcUrl());
    return pg;
  }

  private EmbeddedKafkaBroker startKafka() {
    log.info("Kafka starting (KRaft, data in {})", settings.dataDir().resolve("kafka"));
    Path data = settings.dataDir().resolve("kafka");
    int port = settings.kafkaPort();
    int controller = settings.kafkaControllerPort();
    EmbeddedKafkaBroker kafka =
        settings.durable()
            ? EmbeddedKafkaBroker.start(data, port, controller, settings.partitions())
            : EmbeddedKafkaBroker.startForTests(data, port, controller, settings.partitions());
    log.info("Kafka ready at {}", kafka.bootstrapServers());
    return kafka;
  }

  private TemporalDevServer startTemporal() {
    log.info("Temporal dev server starting (data in {})", settings.dataDir().resolve("temporal"));
    TemporalDevServer temporal =
        TemporalDevServer.start(
            settings.dataDir().resolve("temporal"),
            settings.temporalPort(),
            settings.temporalUiPort(),
            StockflowSearchAttributes.DEV_SERVER_FLAGS);
    log.info("Temporal ready at {} (Web UI {})", temporal.target(), temporal.uiUrl());
    return temporal;
  }

  /**
   * Migrates the database and, when {@code seed} and the database had never been migrated, inserts
   * the demo data: only into a database this start created, so a restart with data kept never
   * brings back a row an associate deleted. Returns whether it inserted the demo data.
   */
  static boolean migrate(DataSource ds, boolean seed) {
    boolean created = !DemoData.migratedBefore(Database.dsl(ds));
    Database.migrate(ds);
    if (!seed || !created) return false;
    DemoData.seed(Database.dsl(ds));
    return true;
  }

  /** Starts a server on its own daemon thread (a hung start must not keep the JVM alive). */
  private static <T> CompletableFuture<T> async(Supplier<T> start) {
    return CompletableFuture.supplyAsync(
        start,
        task -> {
          Thread t = new Thread(task, "stockflow-start");
          t.setDaemon(true);
          t.start();
        });
  }

  /** Waits for one server; keeps it for shutdown if it started, returns the first failure. */
  private RuntimeException register(
      String name, CompletableFuture<? extends AutoCloseable> server, RuntimeException failure) {
    try {
      running.push(new Component(name, server.join()));
      return failure;
    } catch (CompletionException e) {
      RuntimeException cause =
          e.getCause() instanceof RuntimeException r
              ? r
              : new StartupException(name, String.valueOf(e.getCause()), "see the log above", e);
      return failure != null ? failure : cause;
    }
  }

  /**
   * CockroachDB publishes its own changes ({@code CREATE CHANGEFEED}); PostgreSQL gets the bridge,
   * which writes the same messages.
   */
  private void startChangefeed(ChangefeedDeclaration feed, DataSource ds) {
    if (Database.vendor(ds) == Database.Vendor.COCKROACHDB) {
      String kafkaForCockroach =
          String.valueOf(
              settings
                  .extraProperties()
                  .getOrDefault("stockflow.changefeed.cockroach-kafka", kafkaBootstrap));
      try {
        long job;
        try (Admin kafka = Admin.create(Map.of("bootstrap.servers", kafkaBootstrap))) {
          job =
              CockroachChangefeed.ensure(
                  ds,
                  kafka,
                  feed,
                  kafkaForCockroach,
                  SinkOptions.defaults()
                      .withSinkQuery(
                          String.valueOf(
                              settings
                                  .extraProperties()
                                  .getOrDefault("stockflow.changefeed.cockroach-sink-query", ""))),
                  String.valueOf(
                      settings
                          .extraProperties()
                          .getOrDefault("stockflow.changefeed.group-id", "stockflow")));
        }
        log.info(
            "CockroachDB changefeed job {} publishing {} tables to {}",
            job,
            feed.tables().size(),
            kafkaForCockroach);
      } catch (java.sql.SQLException e) {
        throw new StartupException(
            "changefeed",
            "CREATE CHANGEFEED failed: " + e.getMessage(),
            "check the cluster's license/settings and that it reaches Kafka at "
                + kafkaForCockroach,
            e);
      }
      return;
    }
    log.info("changefeed bridge starting");
    BridgeSupervisor bridge =
        BridgeLauncher.start(feed, jdbcUrl, kafkaBootstrap, settings.dataDir().resolve("bridge"));
    bridgeHealth = bridge::status;
    running.push(new Component("changefeed bridge", bridge));
  }

  private static DataSource dataSource(String url) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(url);
    return ds;
  }

  private void deleteDataDir() {
    Path dir = settings.dataDir();
    if (!Files.exists(dir)) return;
    log.info("--fresh: deleting {}", dir);
    deleteRecursively(dir);
  }

  /** Deletes {@code dir} and everything in it (nothing when it does not exist). */
  public static void deleteRecursively(Path dir) {
    if (!Files.exists(dir)) return;
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.delete(p);
    } catch (IOException e) {
      throw new StartupException(
          "dev stack", "cannot delete " + dir + " (" + e.getMessage() + ")", "delete it by hand");
    }
  }

  static String redact(String url) {
    return url.replaceAll("password=[^&]*", "password=***");
  }

  public String jdbcUrl() {
    return jdbcUrl;
  }

  public String kafkaBootstrap() {
    return kafkaBootstrap;
  }

  public String temporalTarget() {
    return temporalTarget;
  }

  public String temporalUiUrl() {
    return temporalUi;
  }

  public String apiUrl() {
    return apiUrl;
  }

  public ApplicationContext platform() {
    return platform;
  }

  /** Stops every started component, newest first; one log line each. Idempotent. */
  @Override
  public synchronized void close() {
    while (!running.isEmpty()) {
      Component c = running.pop();
      log.info("{} stopping", c.name());
      try {
        c.handle().close();
      } catch (Exception e) {
        log.warn("{} did not stop cleanly: {}", c.name(), e.toString());
      }
    }
  }

  public static void main(String[] args) {
    DevSettings settings;
    try {
      settings = DevSettings.from(System.getenv(), args);
    } catch (IllegalArgumentException e) {
      System.err.println("stockflow dev: " + e.getMessage());
      System.exit(2);
      return;
    }
    DevStack stack;
    try {
      stack = start(settings);
    } catch (StartupException e) {
      log.error(e.getMessage());
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stack.close();
                  log.info("stopped");
                  stopped.countDown();
                },
                "stockflow-shutdown"));
    System.out.println(stack.banner());
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  String banner() {
    String psql = "psql \"" + psqlUrl(jdbcUrl) + "\"";
    return String.join(
        "\n",
        "",
        "  stockflow is running",
        "    API              " + apiUrl + "   (header X-API-Key: " + settings.devApiKey() + ")",
        "    OpenAPI          " + apiUrl + "/swagger-ui/",
        "    Ops console      " + apiUrl + "/console/   (log in with the same key)",
        "    Prometheus       " + apiUrl + "/prometheus   (same header)",
        "    Temporal Web UI  "
            + (temporalUi == null ? "(external: see your Temporal cluster)" : temporalUi),
        "    PostgreSQL       " + jdbcUrl,
        "    Kafka            " + kafkaBootstrap,
        "",
        "  Trigger a restock (available 12 <= reorder point 20), then watch it in the Web UI:",
        "    "
            + psql
            + " -c \"UPDATE inventory_levels SET on_hand = 12 WHERE sku = '"
            + DemoData.DEMO_SKU
            + "' AND location_id = '"
            + DemoData.DEMO_LOCATION
            + "'\"",
        "",
        "  Ask the API what it thinks of that SKU:",
        "    curl -H 'X-API-Key: "
            + settings.devApiKey()
            + "' "
            + apiUrl
            + "/inventory/"
            + DemoData.DEMO_SKU,
        "",
        "  Ctrl-C stops everything.",
        "");
  }

  /** jdbc:postgresql://host:port/db?user=u → postgresql://u@host:port/db for psql. */
  static String psqlUrl(String jdbc) {
    String rest = jdbc.replaceFirst("^jdbc:", "");
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("^postgresql://([^/?]+)/([^?]+)(?:\\?(.*))?$")
            .matcher(rest);
    if (!m.matches()) return rest;
    String user = null;
    if (m.group(3) != null)
      for (String kv : m.group(3).split("&")) if (kv.startsWith("user=")) user = kv.substring(5);
    return "postgresql://" + (user == null ? "" : user + "@") + m.group(1) + "/" + m.group(2);
  }
}
