package io.stockflow.bridge;

import io.debezium.embedded.Connect;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.stockflow.bridge.encoding.UnencodableValueException;
import io.stockflow.bridge.postgres.InitialScan;
import io.stockflow.bridge.postgres.PostgresSetup;
import io.stockflow.bridge.postgres.ScanSnapshot;
import io.stockflow.bridge.stream.ChangeHandler;
import io.stockflow.bridge.stream.KafkaSink;
import io.stockflow.bridge.stream.ResolvedMarkers;
import io.stockflow.bridge.stream.ResumeHookConnector;
import io.stockflow.db.Database;
import io.stockflow.db.changefeed.WatchedTable;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.Driver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL changefeed bridge: streams the watched tables of a {@link
 * io.stockflow.db.changefeed.ChangefeedDeclaration} from PostgreSQL's WAL (Debezium embedded
 * engine, pgoutput) to Kafka in the exact shape of a CockroachDB changefeed with {@code
 * format=json, envelope=wrapped, updated, diff, resolved} — see the module README for the contract,
 * how {@code updated} and resolved timestamps are derived, and the differences.
 *
 * <pre>{@code
 * try (PostgresChangefeedBridge bridge = PostgresChangefeedBridge.start(
 *     BridgeConfig.of(ChangefeedDeclaration.stockflow(), jdbcUrl, kafka, dataDir))) {
 *   ...
 * }
 * }</pre>
 *
 * <p>{@link #start} prepares the database (publication, slot, REPLICA IDENTITY FULL), creates the
 * topics, runs the initial scan when the declaration asks for it and it has not completed before,
 * and returns once Debezium streams. Every commit after {@code start} returns is delivered at least
 * once, also across a crash of the bridge, PostgreSQL or Kafka. {@link #close()} stops cleanly: the
 * current batch is sent, acknowledged and its offsets committed. Thread-safe; {@code close} is
 * idempotent.
 */
public final class PostgresChangefeedBridge implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(PostgresChangefeedBridge.class);
  static final String TOPIC_PREFIX = "stockflow_bridge";
  static final String TOAST_PLACEHOLDER = "__stockflow_bridge_unchanged_toast_7c1e__";
  static final String OFFSETS_FILE = "offsets.dat";
  static final String SCAN_DONE_FILE = "initial-scan.done";
  private static final String SNAPSHOT_LINE = "snapshot ";

  private final BridgeConfig config;
  private final Map<String, String> stopped = new ConcurrentHashMap<>();
  private final AtomicReference<Throwable> failure = new AtomicReference<>();
  private final CountDownLatch finished = new CountDownLatch(1);
  private final CountDownLatch streaming = new CountDownLatch(1);
  private final ExecutorService engineThread =
      Executors.newSingleThreadExecutor(r -> new Thread(r, "changefeed-bridge-engine"));
  private KafkaSink sink;
  private ResolvedMarkers markers;
  private DebeziumEngine<RecordChangeEvent<SourceRecord>> engine;
  private String resumeHook;
  private boolean closed;

  private PostgresChangefeedBridge(BridgeConfig config) {
    this.config = config;
  }

  /**
   * Starts the bridge and returns once it streams.
   *
   * @throws IllegalStateException when the database, Kafka or Debezium cannot be set up; nothing is
   *     left running then
   */
  public static PostgresChangefeedBridge start(BridgeConfig config) {
    PostgresChangefeedBridge bridge = new PostgresChangefeedBridge(config);
    try {
      bridge.run();
      return bridge;
    } catch (FatalBridgeException e) {
      log.error("changefeed bridge: {}", e.getMessage());
      bridge.close();
      throw e;
    } catch (RuntimeException | SQLException | IOException e) {
      bridge.close();
      throw new IllegalStateException("changefeed bridge failed to start: " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      bridge.close();
      throw new IllegalStateException("interrupted while starting the changefeed bridge", e);
    }
  }

  private void run() throws SQLException, IOException, InterruptedException {
    Files.createDirectories(config.dataDir());
    PostgresSetup.Prepared prepared;
    try (Connection c = Database.unpooled(config.jdbcUrl()).getConnection()) {
      PostgresSetup setup = new PostgresSetup(c);
      requireSlotIfResuming(setup);
      prepared = setup.prepare(config.feed().tables(), config.publicationName(), config.slotName());
      stopped.putAll(prepared.stopped());
      sink = new KafkaSink(config.kafkaBootstrap(), "changefeed-bridge-" + config.slotName());
      sink.ensureTopics(
          prepared.active().stream().map(WatchedTable::topic).distinct().toList(),
          config.feed().partitions());
      Path scanDone = config.dataDir().resolve(SCAN_DONE_FILE);
      if (config.feed().initialScan() && !Files.exists(scanDone)) {
        InitialScan.Result scan =
            InitialScan.run(c, prepared.schema(), prepared.active(), sink, this::stopTable);
        sink.flush();
        Files.writeString(
            scanDone,
            config.slotName() + "\n" + SNAPSHOT_LINE + scan.snapshot().toLine() + "\n",
            StandardCharsets.UTF_8);
      }
    }
    Optional<ScanSnapshot> scanned = scanSnapshot();
    List<WatchedTable> active = prepared.active();
    if (active.isEmpty()) {
      log.error("changefeed bridge: no table can be streamed; stopped tables: {}", stopped);
      streaming.countDown();
      finished.countDown();
      return;
    }
    String session = UUID.randomUUID().toString();
    String markerPrefix = "stockflow_resolved_" + config.slotName();
    ChangeHandler handler =
        new ChangeHandler(
            active,
            sink,
            TOPIC_PREFIX,
            session,
            TOAST_PLACEHOLDER,
            stopped::containsKey,
            this::stopTable);
    // Transactions the scan's snapshot saw are in its rows already; re-emitting them from the slot
    // would put older versions after newer ones (see InitialScan).
    scanned.ifPresent(handler::skipTransactionsSeenBy);
    resumeHook = ResumeHookConnector.register(handler::resume);
    engine =
        DebeziumEngine.create(ChangeEventFormat.of(Connect.class))
            .using(engineProperties(prepared.schema(), active, markerPrefix))
            .using(
                new DebeziumEngine.ConnectorCallback() {
                  @Override
                  public void taskStarted() {
                    streaming.countDown();
                  }
                })
            .using(
                (success, message, error) -> {
                  if (!success || error != null) {
                    Throwable e = error != null ? error : new IllegalStateException(message);
                    if (positionLost(e))
                      e =
                          new FatalBridgeException(
                              "replication slot "
                                  + config.slotName()
                                  + " no longer holds the WAL from this bridge's stored position"
                                  + " in "
                                  + config.dataDir()
                                  + " (was the slot dropped and recreated?); changes in between"
                                  + " are lost. To start over with a fresh snapshot: stop the"
                                  + " bridge, delete "
                                  + config.dataDir()
                                  + " and start it with the initial scan enabled.",
                              e);
                    failure.compareAndSet(null, e);
                    log.error(
                        "changefeed bridge: engine stopped with an error: {}", e.getMessage(), e);
                  }
                  streaming.countDown();
                  finished.countDown();
                })
            .notifying(handler)
            .build();
    engineThread.execute(engine);
    if (!streaming.await(120, TimeUnit.SECONDS))
      throw new IllegalStateException("Debezium did not start streaming within 120 s");
    if (failure.get() != null)
      throw new IllegalStateException(
          "Debezium failed: " + failure.get().getMessage(), failure.get());
    markers = new ResolvedMarkers(Database.unpooled(config.jdbcUrl()), markerPrefix, session);
    markers.start(config.feed().resolvedInterval());
    log.info(
        "changefeed bridge: streaming {} tables from {} to {}",
        active.size(),
        databaseName(),
        config.kafkaBootstrap());
  }

  /**
   * A bridge with a stored position (offsets, or a finished initial scan) resumes from its slot. If
   * the slot is gone, the WAL of everything committed since it was dropped is gone too: creating a
   * new slot would silently skip those changes. Only an operator can decide to start over.
   */
  private void requireSlotIfResuming(PostgresSetup setup) throws SQLException {
    Path offsets = config.dataDir().resolve(OFFSETS_FILE);
    Path scanDone = config.dataDir().resolve(SCAN_DONE_FILE);
    if (!Files.exists(offsets) && !Files.exists(scanDone)) return;
    if (setup.slotExists(config.slotName())) return;
    throw new FatalBridgeException(
        "replication slot "
            + config.slotName()
            + " does not exist, but "
            + config.dataDir()
            + " holds this bridge's stored position ("
            + (Files.exists(offsets) ? OFFSETS_FILE : SCAN_DONE_FILE)
            + "). The changes committed since the slot was dropped are no longer in the WAL, so"
            + " resuming with a new slot would lose them silently; the bridge stays stopped. To"
            + " start over with a fresh snapshot of the tables: stop the bridge, delete "
            + config.dataDir()
            + " and start it with the initial scan enabled (the dev stack: delete its data"
            + " directory's bridge folder, or start with --fresh). Consumers' HLC fences skip what"
            + " they already handled.");
  }

  private Properties engineProperties(String schema, List<WatchedTable> tables, String prefix) {
    Properties db = Driver.parseURL(config.jdbcUrl(), new Properties());
    if (db == null) throw new IllegalArgumentException("unparsable JDBC URL " + config.jdbcUrl());
    Properties p = new Properties();
    p.put("name", "stockflow-changefeed-bridge-" + config.slotName());
    // PostgreSQL's connector, whose task hands the offset it resumes from to the ChangeHandler.
    p.put("connector.class", ResumeHookConnector.class.getName());
    p.put(ResumeHookConnector.HOOK, resumeHook);
    p.put("offset.storage", "org.apache.kafka.connect.storage.FileOffsetBackingStore");
    p.put(
        "offset.storage.file.filename",
        config.dataDir().resolve(OFFSETS_FILE).toAbsolutePath().toString());
    p.put("offset.flush.interval.ms", "1000");
    // Kafka Connect >= 4.2 validates a worker config that requires bootstrap.servers.
    p.put("bootstrap.servers", config.kafkaBootstrap());
    p.put("topic.prefix", TOPIC_PREFIX);
    String host = db.getProperty("PGHOST").split(",")[0];
    String port = db.getProperty("PGPORT").split(",")[0];
    String dbname = db.getProperty("PGDBNAME");
    // Debezium names its JMX beans after topic.prefix, the same for every bridge. A second bridge
    // in one JVM (two dev stacks in one test JVM) found the name taken and spent 2 x 60 s retrying
    // the registration before it streamed. Database and slot make each bridge's names its own: no
    // two running bridges share them (a slot streams to one client).
    p.put(
        "custom.metric.tags",
        "database="
            + jmxValue(host + "_" + port + "_" + dbname)
            + ",slot="
            + jmxValue(config.slotName()));
    p.put("database.hostname", host);
    p.put("database.port", port);
    p.put("database.dbname", dbname);
    p.put("database.user", db.getProperty("user", "postgres"));
    if (db.getProperty("password") != null) p.put("database.password", db.getProperty("password"));
    p.put("plugin.name", "pgoutput");
    p.put("slot.name", config.slotName());
    p.put("publication.name", config.publicationName());
    p.put("publication.autocreate.mode", "disabled");
    // PostgresSetup created the slot; the initial scan is ours (one snapshot, one updated).
    p.put("snapshot.mode", "no_data");
    p.put(
        "table.include.list",
        tables.stream().map(t -> schema + "\\." + t.table()).collect(Collectors.joining(",")));
    p.put("provide.transaction.metadata", "true");
    p.put("message.prefix.include.list", prefix);
    p.put("decimal.handling.mode", "string");
    p.put("time.precision.mode", "adaptive_time_microseconds");
    p.put("column.propagate.source.type", ".*");
    // Without it Debezium silently drops columns of unknown types; we want to see and refuse them.
    p.put("include.unknown.datatypes", "true");
    p.put("unavailable.value.placeholder", TOAST_PLACEHOLDER);
    p.put("tombstones.on.delete", "false");
    p.put("poll.interval.ms", "100");
    // A lost replication connection (walsender terminated, PostgreSQL restarted) is a retriable
    // error: Debezium restarts its task, which resumes from the stored offset (see
    // ResumeHookConnector), without limit and after 1 s instead of the default 10 s.
    p.put("errors.max.retries", "-1");
    p.put("retriable.restart.connector.wait.ms", "1000");
    return p;
  }

  /** {@code s} in the characters a JMX ObjectName value allows unquoted. */
  private static String jmxValue(String s) {
    return s.replaceAll("[,=:\"*?\\s]", "_");
  }

  /** The snapshot the initial scan read, as stored in its marker file (absent without a scan). */
  private Optional<ScanSnapshot> scanSnapshot() throws IOException {
    Path scanDone = config.dataDir().resolve(SCAN_DONE_FILE);
    if (!Files.exists(scanDone)) return Optional.empty();
    return Files.readAllLines(scanDone, StandardCharsets.UTF_8).stream()
        .filter(l -> l.startsWith(SNAPSHOT_LINE))
        .map(l -> ScanSnapshot.fromLine(l.substring(SNAPSHOT_LINE.length())))
        .findFirst();
  }

  /** Debezium's refusal to resume from an offset the slot no longer has. */
  private static boolean positionLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause())
      if (t.getMessage() != null && t.getMessage().contains("no longer available on the server"))
        return true;
    return false;
  }

  private void stopTable(WatchedTable t, UnencodableValueException e) {
    if (stopped.putIfAbsent(t.table(), e.getMessage()) == null)
      log.error("changefeed bridge: {}", e.getMessage());
  }

  private String databaseName() {
    Properties db = Driver.parseURL(config.jdbcUrl(), new Properties());
    return db == null
        ? config.jdbcUrl()
        : db.getProperty("PGHOST")
            + ":"
            + db.getProperty("PGPORT")
            + "/"
            + db.getProperty("PGDBNAME");
  }

  /**
   * Tables whose feed is stopped because a column cannot be encoded (or the table does not match
   * the declaration), with the reason naming table and column. Empty when all stream.
   */
  public Map<String, String> stoppedTables() {
    return Map.copyOf(stopped);
  }

  /** The error that stopped the engine, if it stopped by itself. */
  public Optional<Throwable> failure() {
    return Optional.ofNullable(failure.get());
  }

  /** Blocks until the engine stops (by {@link #close()} or an error). */
  public void awaitTermination() throws InterruptedException {
    finished.await();
  }

  @Override
  public synchronized void close() {
    if (closed) return;
    closed = true;
    if (markers != null) markers.close();
    if (engine != null) {
      try {
        engine.close();
        if (!finished.await(60, TimeUnit.SECONDS))
          log.warn("changefeed bridge: Debezium did not stop within 60 s");
      } catch (IOException e) {
        log.warn("changefeed bridge: Debezium did not stop cleanly: {}", e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    engineThread.shutdownNow();
    if (resumeHook != null) ResumeHookConnector.unregister(resumeHook);
    if (sink != null) sink.close();
    log.info("changefeed bridge: stopped");
  }
}
