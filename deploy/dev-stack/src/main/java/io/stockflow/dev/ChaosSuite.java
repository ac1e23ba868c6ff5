package io.stockflow.dev;

import io.stockflow.db.Database;
import io.stockflow.embedded.Ports;
import io.stockflow.embedded.TemporalDevServer;
import io.stockflow.workflows.StockflowSearchAttributes;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.apache.kafka.common.TopicPartition;
import org.postgresql.ds.PGSimpleDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fault suite ({@code ./stockflow chaos}, docs/faults.md): PostgreSQL, Kafka, the changefeed
 * bridge, the Temporal dev server and the platform's roles (api, consumer, worker; the roles no
 * fault of the run kills share one) each in a process of its own, a steady load of SQL updates, and
 * in turn a kill -9 of each process, a pause, a restart with the same data directory and ports, and
 * a wait until the pipeline caught up. Per fault it prints the committed versions never audited
 * (must be 0), the duplicated effects (purchase orders and alerts per restock episode above one;
 * must be 0) and the time until the pipeline caught up. Exit status: 0 all good, 1 a loss, a
 * duplicate, a missing effect, a component that did not come back by itself or a timeout, 2 usage,
 * 3 the stack did not start.
 */
public final class ChaosSuite {
  private static final Logger log = LoggerFactory.getLogger("chaos");

  static final String LOCATION = "CHAOS1";
  static final String LOAD_PREFIX = "CHAOS-LOAD-";
  static final String EPISODE_PREFIX = "CHAOS-EP-";
  static final String TOPIC = "inventory_levels";
  static final String GROUP = "stockflow";

  /** Load rows: on_hand = LOAD_BASE + n, far above their reorder point. */
  static final long LOAD_BASE = 1_000_000_000L;

  /** Episode rows: reorder point 600,000, so on_hand = EPISODE_LOW − n is low stock. */
  static final long EPISODE_REORDER_POINT = 600_000, EPISODE_LOW = 500_000;

  /** Episode rows start in stock. */
  static final long EPISODE_SEED = 1_000_000;

  static final List<String> ALL_FAULTS =
      List.of("consumer", "worker", "api", "bridge", "kafka", "temporal", "postgres");
  static final int EXIT_OK = 0, EXIT_FAILED = 1, EXIT_USAGE = 2, EXIT_ERROR = 3;

  static final String USAGE =
      "usage: chaos [--rate 50] [--skus 4] [--down-seconds 5] [--settle-seconds 10]\n"
          + "             [--timeout-seconds 240] [--faults "
          + String.join(",", ALL_FAULTS)
          + "]\n"
          + "             [--data-dir DIR] [--keep]";

  record Options(
      int rate,
      int skus,
      int downSeconds,
      int settleSeconds,
      int timeoutSeconds,
      List<String> faults,
      Path dataDir,
      boolean keep) {

    static Options parse(String[] args) {
      int rate = 50, skus = 4, down = 5, settle = 10, timeout = 240;
      List<String> faults = ALL_FAULTS;
      Path dataDir = null;
      boolean keep = false;
      for (int i = 0; i < args.length; i++) {
        String a = args[i];
        if (a.equals("--keep")) {
          keep = true;
          continue;
        }
        if (i + 1 >= args.length) throw new IllegalArgumentException(a + " needs a value");
        String v = args[++i];
        switch (a) {
          case "--rate" -> rate = positive(a, v);
          case "--skus" -> skus = positive(a, v);
          case "--down-seconds" -> down = positive(a, v);
          case "--settle-seconds" -> settle = positive(a, v);
          case "--timeout-seconds" -> timeout = positive(a, v);
          case "--data-dir" -> dataDir = Path.of(v).toAbsolutePath();
          case "--faults" -> {
            faults = List.of(v.split(","));
            for (String f : faults)
              if (!ALL_FAULTS.contains(f))
                throw new IllegalArgumentException("unknown fault " + f + "; known: " + ALL_FAULTS);
          }
          default -> throw new IllegalArgumentException("unknown option " + a);
        }
      }
      return new Options(rate, skus, down, settle, timeout, faults, dataDir, keep);
    }

    private static int positive(String name, String v) {
      try {
        int n = Integer.parseInt(v);
        if (n < 1) throw new NumberFormatException();
        return n;
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(name + " " + v + " is not a positive number");
      }
    }
  }

  /** One row of the result table. */
  record Row(
      String fault,
      long committed,
      long lost,
      long duplicated,
      long purchaseOrders,
      long alerts,
      double readySeconds,
      double caughtUpSeconds,
      List<String> notes) {
    boolean ok() {
      return lost == 0
          && duplicated == 0
          && purchaseOrders == 1
          && alerts == 1
          && caughtUpSeconds >= 0
          && notes.isEmpty();
    }
  }

  private final Options options;
  private final Path dir;
  private final Path logs;
  private final int pgPort = Ports.free();
  private final int kafkaPort = Ports.free();
  private final int kafkaControllerPort = Ports.free();
  private final int temporalPort = Ports.free();
  private final int temporalUiPort = Ports.free();
  private final Map<String, Component> components = new LinkedHashMap<>();
  private final String jdbc;
  private final String kafka;
  private LoadWriter writer;
  private Thread writing;
  private final Audit audit = new Audit();
  private final List<String> findings = new ArrayList<>();
  private TopicOffsets topicOffsets;

  ChaosSuite(Options options, Path dir) {
    this.options = options;
    this.dir = dir;
    this.logs = dir.resolve("logs");
    this.jdbc = "jdbc:postgresql://" + Ports.LOOPBACK + ":" + pgPort + "/stockflow?user=postgres";
    this.kafka = Ports.LOOPBACK + ":" + kafkaPort;
  }

  public static void main(String[] args) {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("stockflow chaos: " + e.getMessage() + "\n" + USAGE);
      System.exit(EXIT_USAGE);
      return;
    }
    int status;
    try {
      status = run(options, System.out);
    } catch (Exception e) {
      log.error("fault suite failed: {}", e.toString(), e);
      status = EXIT_ERROR;
    }
    System.exit(status);
  }

  /** Runs the suite; prints the table to {@code out}; returns the exit status. */
  static int run(Options options, java.io.PrintStream out) throws Exception {
    Path dir =
        options.dataDir() != null
            ? options.dataDir()
            : Files.createTempDirectory("stockflow-chaos-").toAbsolutePath();
    Files.createDirectories(dir.resolve("logs"));
    // The admin client warns on every reconnect while Kafka is down, which is the point of a fault.
    if (LoggerFactory.getLogger("org.apache.kafka.clients.NetworkClient")
        instanceof ch.qos.logback.classic.Logger l) l.setLevel(ch.qos.logback.classic.Level.ERROR);
    ChaosSuite suite = new ChaosSuite(options, dir);
    log.info("data and logs of every process in {}", dir);
    Thread hook = new Thread(suite::stopAll, "chaos-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    boolean ok = false;
    try {
      List<Row> rows = suite.runFaults();
      out.println();
      out.println(table(rows, options));
      for (String f : suite.findings) out.println("finding: " + f);
      ok = rows.stream().allMatch(Row::ok) && suite.findings.isEmpty();
      out.println(ok ? "fault suite: PASSED" : "fault suite: FAILED");
      return ok ? EXIT_OK : EXIT_FAILED;
    } finally {
      suite.stopAll();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs anyway
      }
      if (ok && !options.keep() && options.dataDir() == null) DevStack.deleteRecursively(dir);
      else log.info("kept {} (logs of every process under logs/)", dir);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The run

  private List<Row> runFaults() throws Exception {
    startStack();
    writer = new LoadWriter(jdbc, options.rate());
    for (int i = 1; i <= options.skus(); i++) writer.addRow(LOAD_PREFIX + i, false);
    writing = new Thread(writer, "chaos-writer");
    writing.setDaemon(true);
    writing.start();
    log.info("load: {} UPDATEs/s over {} rows", options.rate(), options.skus());
    waitUntil(
        Duration.ofSeconds(60),
        "the changefeed topic " + TOPIC,
        () -> {
          try {
            topicOffsets = new TopicOffsets(kafka, TOPIC);
            return true;
          } catch (RuntimeException e) {
            return false;
          }
        });

    List<Window> windows = new ArrayList<>();
    List<String> faults = new ArrayList<>();
    faults.add("baseline");
    faults.addAll(options.faults());
    for (String fault : faults) windows.add(runFault(fault));

    writer.stop();
    writing.join(TimeUnit.SECONDS.toMillis(30));
    log.info("load stopped: {} writes committed", writer.committedCount());
    if (writer.failure != null) findings.add("the load writer failed: " + writer.failure);
    long t0 = System.nanoTime();
    boolean drained = awaitCaughtUp(Duration.ofSeconds(options.timeoutSeconds()), null) >= 0;
    log.info(
        "final drain: {} after {} s",
        drained ? "every committed version audited, lag 0" : "NOT complete",
        seconds(System.nanoTime() - t0));
    if (!drained) findings.add("the pipeline did not drain after the load stopped");
    // Late effects (a duplicate from a late retry) count too: give the workflows a moment.
    Thread.sleep(TimeUnit.SECONDS.toMillis(Math.min(10, options.settleSeconds())));
    audit.refreshAll(jdbc);
    List<Row> rows = new ArrayList<>();
    List<ChaosSuite.LoadWriter.Version> all = writer.committed();
    for (int i = 0; i < windows.size(); i++) {
      Window w = windows.get(i);
      long end = i + 1 < windows.size() ? windows.get(i + 1).startSeq : all.size();
      long lost = 0;
      for (long s = w.startSeq; s < end; s++) {
        LoadWriter.Version v = all.get((int) s);
        if (!audit.contains(v.sku(), v.value())) {
          lost++;
          if (lost <= 5)
            log.warn(
                "{}: committed version never audited: {} on_hand={}", w.fault, v.sku(), v.value());
        }
      }
      Effects e = effects(w.episodeSku);
      long dup =
          Math.max(0, e.purchaseOrders - 1) + Math.max(0, e.lowStockAlerts - 1) + e.otherAlerts;
      rows.add(
          new Row(
              w.fault,
              end - w.startSeq,
              lost,
              dup,
              e.purchaseOrders,
              e.lowStockAlerts,
              w.readySeconds,
              w.caughtUpSeconds,
              w.notes));
    }
    long loadEffects = loadRowEffects();
    if (loadEffects > 0)
      findings.add(loadEffects + " purchase orders/alerts for load rows that never ran low");
    Set<String> madeUp = audit.notIn(writer.attempted());
    if (!madeUp.isEmpty())
      findings.add(madeUp.size() + " audited versions were never written, e.g. " + first(madeUp));
    long restamped = audit.versionsAuditedTwice(jdbc);
    if (restamped > 0)
      log.info(
          "{} committed versions are in the audit log twice (re-emitted with another updated"
              + " timestamp)",
          restamped);
    return rows;
  }

  /** What one fault measured while it ran; losses and effects are counted at the end. */
  static final class Window {
    final String fault;
    final String episodeSku;
    final long startSeq;
    double readySeconds = -1;
    double caughtUpSeconds = -1;
    final List<String> notes = new ArrayList<>();

    Window(String fault, String episodeSku, long startSeq) {
      this.fault = fault;
      this.episodeSku = episodeSku;
      this.startSeq = startSeq;
    }
  }

  private Window runFault(String fault) throws Exception {
    String episode = EPISODE_PREFIX + fault.toUpperCase(Locale.ROOT);
    // The baseline also covers the writes made before it (while the suite got ready).
    Window w = new Window(fault, episode, fault.equals("baseline") ? 0 : writer.committedCount());
    log.info("=== {}: start (restock episode on {})", fault, episode);
    // The episode row goes low now, so its purchase order and alert are in flight at the kill.
    writer.addRow(episode, true);
    waitUntil(
        Duration.ofSeconds(60),
        "the first low-stock write of " + episode,
        () -> writer.committedFor(episode) > 0);
    Thread.sleep(1_000);
    long kill = System.nanoTime();
    if (!fault.equals("baseline")) {
      Component c = components.get(fault);
      log.info("{}: kill -9 (pid {})", c.name, c.pidForKill());
      c.kill();
      Thread.sleep(TimeUnit.SECONDS.toMillis(options.downSeconds()));
      log.info("{}: restarting (same data directory and ports)", c.name);
      long restart = System.nanoTime();
      try {
        c.start();
        w.readySeconds = seconds(System.nanoTime() - restart);
        log.info("{}: ready again after {} s", c.name, w.readySeconds);
      } catch (RuntimeException e) {
        w.notes.add(c.name + " did not restart: " + e.getMessage());
        log.error("{}: did not restart: {}", c.name, e.getMessage());
        throw e;
      }
    } else {
      w.readySeconds = 0;
    }
    double caught = awaitCaughtUp(Duration.ofSeconds(options.timeoutSeconds()), w);
    w.caughtUpSeconds = caught < 0 ? -1 : seconds(System.nanoTime() - kill);
    if (caught < 0) {
      w.notes.add("not caught up within " + options.timeoutSeconds() + " s");
      log.error("{}: pipeline NOT caught up within {} s", fault, options.timeoutSeconds());
    } else {
      log.info("{}: pipeline caught up {} s after the kill", fault, w.caughtUpSeconds);
    }
    boolean effects =
        waitFor(
            Duration.ofSeconds(60),
            () -> {
              Effects e = effects(episode);
              return e.purchaseOrders >= 1 && e.lowStockAlerts >= 1;
            });
    if (!effects) log.warn("{}: purchase order or alert of {} missing after 60 s", fault, episode);
    checkOthersAlive(w);
    Thread.sleep(TimeUnit.SECONDS.toMillis(options.settleSeconds()));
    checkOthersAlive(w);
    return w;
  }

  /** A component that died without being killed did not survive a fault: note it, restart it. */
  private void checkOthersAlive(Window w) {
    for (Component c : components.values()) {
      if (c.alive()) continue;
      String what =
          c.name
              + " exited by itself during the "
              + w.fault
              + " fault"
              + c.exitCode().map(code -> " (exit status " + code + ")").orElse("")
              + "; see "
              + c.lastLog();
      log.error("{}; the suite restarts it", what);
      w.notes.add(c.name + " exited by itself");
      findings.add(what);
      c.start();
    }
  }

  /**
   * Waits until every version committed before some moment after this call is in the audit log and
   * the consumer group has committed Kafka's end offsets of that moment (consumer lag 0 as of
   * then). A moment is sampled each second; returns the seconds waited, or -1 on timeout. With
   * {@code w}, components that die meanwhile are noted and restarted.
   */
  private double awaitCaughtUp(Duration timeout, Window w) throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    record Snapshot(long committed, Map<TopicPartition, Long> end) {}
    List<Snapshot> pending = new ArrayList<>();
    long verified = w == null ? 0 : w.startSeq; // versions [0, verified) are known audited
    TopicOffsets offsets = null;
    long lastLog = 0;
    try {
      while (System.nanoTime() < deadline) {
        try {
          if (offsets == null)
            offsets = topicOffsets != null ? topicOffsets : new TopicOffsets(kafka, TOPIC);
          topicOffsets = null;
          Map<TopicPartition, Long> end = offsets.end();
          long committedNow = writer.committedCount();
          pending.add(new Snapshot(committedNow, end));
          if (audit.refresh(jdbc)) {
            List<LoadWriter.Version> all = writer.committed();
            while (verified < all.size()
                && audit.contains(all.get((int) verified).sku(), all.get((int) verified).value()))
              verified++;
          }
          Map<TopicPartition, Long> group = offsets.committed(GROUP);
          for (Snapshot s : pending) {
            boolean consumed =
                s.end.entrySet().stream()
                    .allMatch(e -> group.getOrDefault(e.getKey(), 0L) >= e.getValue());
            if (verified >= s.committed && consumed) return seconds(System.nanoTime() - start);
          }
          if (System.nanoTime() - lastLog > TimeUnit.SECONDS.toNanos(10)) {
            lastLog = System.nanoTime();
            log.info(
                "catching up: {} of {} committed versions audited, lag {}",
                verified,
                committedNow,
                TopicOffsets.sum(end) - TopicOffsets.sum(group));
          }
        } catch (RuntimeException e) {
          // a server is still coming back: try again
          if (offsets != null) offsets.close();
          offsets = null;
          log.debug("not caught up yet: {}", e.toString());
        }
        if (w != null) checkOthersAlive(w);
        Thread.sleep(1_000);
      }
      return -1;
    } finally {
      // kept for the next wait: a new admin client takes seconds to connect on a busy machine
      topicOffsets = offsets;
    }
  }

  record Effects(long purchaseOrders, long lowStockAlerts, long otherAlerts) {}

  /** Purchase orders and alerts of one episode row (expected: one order, one low-stock alert). */
  private Effects effects(String sku) {
    try (Connection c = connect(jdbc)) {
      long po = count(c, "SELECT count(*) FROM purchase_orders WHERE sku = ?", sku);
      long low = count(c, "SELECT count(*) FROM alerts WHERE sku = ? AND kind = 'low_stock'", sku);
      long other =
          count(
              c,
              "SELECT count(*) FROM alerts WHERE sku = ? AND kind NOT IN ('low_stock','restock_late')",
              sku);
      return new Effects(po, low, other);
    } catch (SQLException e) {
      return new Effects(0, 0, 0);
    }
  }

  private long loadRowEffects() {
    try (Connection c = connect(jdbc)) {
      return count(c, "SELECT count(*) FROM purchase_orders WHERE sku LIKE ?", LOAD_PREFIX + "%")
          + count(c, "SELECT count(*) FROM alerts WHERE sku LIKE ?", LOAD_PREFIX + "%");
    } catch (SQLException e) {
      return 0;
    }
  }

  private static long count(Connection c, String sql, String arg) throws SQLException {
    try (PreparedStatement s = c.prepareStatement(sql)) {
      s.setString(1, arg);
      try (ResultSet rs = s.executeQuery()) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The processes

  private void startStack() throws Exception {
    Path pgData = dir.resolve("postgres/data");
    components.put(
        "postgres",
        new PostgresComponent(
            pgData, List.of("postgres", pgData.toString(), Integer.toString(pgPort))));
    components.put(
        "kafka",
        new JvmComponent(
            "kafka",
            "-Xmx512m",
            ChaosServer.class.getName(),
            List.of(
                "kafka",
                dir.resolve("kafka").toString(),
                Integer.toString(kafkaPort),
                Integer.toString(kafkaControllerPort),
                "3"),
            Map.of(),
            0));
    components.put("temporal", new TemporalComponent());
    // The servers do not depend on each other: started side by side (one JVM's start leaves the
    // other core idle much of the time).
    startTogether(List.copyOf(components.values()));

    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(jdbc);
    Database.migrate(ds);
    seedRows();
    log.info("database migrated, {} load rows and the episode rows created", options.skus());

    // The bridge and the roles need the servers and the migrated database, not each other.
    List<Component> platform = new ArrayList<>();
    platform.add(
        new JvmComponent(
            "bridge",
            "-Xmx384m",
            ChaosServer.class.getName(),
            List.of("bridge", dir.resolve("bridge").toString(), jdbc, kafka, "3"),
            Map.of(),
            0));
    for (String role : roleProcesses(options.faults())) {
      int port = Ports.free();
      Map<String, String> props = new LinkedHashMap<>();
      props.put("stockflow.roles", role);
      props.put("stockflow.database.url", jdbc);
      props.put("stockflow.database.migrate", "false");
      props.put("stockflow.database.pool-size", "8");
      props.put("stockflow.kafka.bootstrap", kafka);
      props.put("stockflow.temporal.target", Ports.LOOPBACK + ":" + temporalPort);
      props.put("micronaut.server.port", Integer.toString(port));
      props.put("stockflow.api.keys." + DevSettings.DEFAULT_DEV_API_KEY, "channel,associate,ops");
      platform.add(
          new JvmComponent(
              role,
              "-Xmx384m",
              "io.stockflow.platform.StockflowApplication",
              List.of(),
              props,
              port));
    }
    platform.forEach(c -> components.put(c.name, c));
    startTogether(platform);
    log.info("stack ready: {} processes", components.size());
  }

  /**
   * The {@code stockflow.roles} of each platform JVM: a role this run kills runs in a process of
   * its own; the roles no fault touches share one (a JVM start costs seconds of CPU, and they start
   * side by side), e.g. {@code consumer} and {@code worker,api} for the faults consumer and bridge.
   */
  static List<String> roleProcesses(List<String> faults) {
    List<String> processes = new ArrayList<>();
    List<String> untouched = new ArrayList<>();
    for (String role : List.of("worker", "consumer", "api"))
      (faults.contains(role) ? processes : untouched).add(role);
    if (!untouched.isEmpty()) processes.add(String.join(",", untouched));
    return processes;
  }

  private void seedRows() throws SQLException {
    try (Connection c = connect(jdbc);
        Statement s = c.createStatement()) {
      s.execute(
          "INSERT INTO locations (id, name, kind, region) VALUES ('"
              + LOCATION
              + "', 'Chaos store', 'store', 'test') ON CONFLICT DO NOTHING");
      List<String[]> rows = new ArrayList<>();
      for (int i = 1; i <= options.skus(); i++)
        rows.add(new String[] {LOAD_PREFIX + i, "20", "0", Long.toString(LOAD_BASE)});
      List<String> faults = new ArrayList<>(List.of("baseline"));
      faults.addAll(options.faults());
      for (String f : faults)
        rows.add(
            new String[] {
              EPISODE_PREFIX + f.toUpperCase(Locale.ROOT),
              Long.toString(EPISODE_REORDER_POINT),
              Long.toString(2 * EPISODE_REORDER_POINT),
              Long.toString(EPISODE_SEED)
            });
      for (String[] r : rows) {
        s.execute(
            "INSERT INTO skus (sku, name) VALUES ('" + r[0] + "', 'chaos') ON CONFLICT DO NOTHING");
        s.execute(
            "INSERT INTO inventory_levels (sku, location_id, on_hand, reorder_point, max_stock)"
                + " VALUES ('"
                + r[0]
                + "', '"
                + LOCATION
                + "', "
                + r[3]
                + ", "
                + r[1]
                + ", "
                + r[2]
                + ") ON CONFLICT DO NOTHING");
      }
    }
  }

  /**
   * Starts {@code list} at once, each on a thread of its own, and returns when all serve; throws
   * the first failure once every start has ended (stopAll then stops the ones that came up).
   */
  private static void startTogether(List<Component> list) {
    List<Thread> threads = new ArrayList<>();
    List<RuntimeException> failures = new CopyOnWriteArrayList<>();
    for (Component c : list) {
      Thread t =
          new Thread(
              () -> {
                try {
                  c.start();
                } catch (RuntimeException e) {
                  failures.add(e);
                }
              },
              "chaos-start-" + c.name);
      t.setDaemon(true); // a hung start must not keep the JVM alive
      t.start();
      threads.add(t);
    }
    for (Thread t : threads) {
      try {
        t.join();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted while starting the stack", e);
      }
    }
    if (!failures.isEmpty()) throw failures.get(0);
  }

  /** Stops every process, newest first, by its PID; also on failure. Idempotent. */
  synchronized void stopAll() {
    if (writer != null) writer.stop();
    if (topicOffsets != null) topicOffsets.close();
    topicOffsets = null;
    List<Component> list = new ArrayList<>(components.values());
    for (int i = list.size() - 1; i >= 0; i--) {
      Component c = list.get(i);
      try {
        c.stop();
      } catch (RuntimeException e) {
        log.warn("{} did not stop cleanly: {}", c.name, e.toString());
      }
    }
    components.clear();
  }

  abstract class Component {
    final String name;
    int starts;

    Component(String name) {
      this.name = name;
    }

    /** Starts it and returns once it serves; throws (after stopping it) when it does not. */
    abstract void start();

    /** SIGKILL of the server's process; returns once it is gone. */
    abstract void kill();

    /** A clean stop (SIGTERM, then SIGKILL after a grace period). */
    abstract void stop();

    abstract boolean alive();

    abstract long pidForKill();

    Optional<Integer> exitCode() {
      return Optional.empty();
    }

    Path lastLog() {
      return logs.resolve(name + "-" + starts + ".log");
    }
  }

  /**
   * An argument file with this JVM's classpath, written once (a long classpath stays off the
   * command line); synchronized because components start side by side.
   */
  private synchronized Path classpathArgFile() throws IOException {
    Path argFile = dir.resolve("classpath.args");
    if (!Files.exists(argFile))
      Files.writeString(
          argFile,
          "-cp \"" + System.getProperty("java.class.path").replace("\\", "\\\\") + "\"\n",
          StandardCharsets.UTF_8);
    return argFile;
  }

  /** A child JVM on this JVM's classpath; ready when it prints the marker or its port answers. */
  class JvmComponent extends Component {
    final String heap;
    final String mainClass;
    final List<String> args;
    final Map<String, String> props;
    final int httpPort;
    Process process;

    JvmComponent(
        String name,
        String heap,
        String mainClass,
        List<String> args,
        Map<String, String> props,
        int httpPort) {
      super(name);
      this.heap = heap;
      this.mainClass = mainClass;
      this.args = args;
      this.props = props;
      this.httpPort = httpPort;
    }

    @Override
    void start() {
      starts++;
      Path logFile = lastLog();
      try {
        Path argFile = classpathArgFile();
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(List.of(heap, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
        props.forEach((k, v) -> cmd.add("-D" + k + "=" + v));
        cmd.add("@" + argFile);
        cmd.add(mainClass);
        cmd.addAll(args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()));
        process = pb.start();
      } catch (IOException e) {
        throw new IllegalStateException(name + ": cannot start a JVM: " + e.getMessage(), e);
      }
      log.info("{}: starting (pid {}, log {})", name, process.pid(), logFile);
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (true) {
        if (!process.isAlive())
          throw new IllegalStateException(
              name + " exited with " + process.exitValue() + " while starting; see " + logFile);
        if (httpPort > 0 ? answers(httpPort) : logContains(logFile, ChaosServer.READY)) break;
        if (System.nanoTime() > deadline) {
          stop();
          throw new IllegalStateException(name + " not ready within 3 min; see " + logFile);
        }
        sleep(250);
      }
      log.info("{}: ready (pid {})", name, process.pid());
    }

    @Override
    void kill() {
      if (process == null) return;
      process.destroyForcibly();
      awaitExit(process.toHandle(), Duration.ofSeconds(30));
    }

    @Override
    void stop() {
      if (process == null || !process.isAlive()) return;
      log.info("{}: stopping (pid {})", name, process.pid());
      process.destroy();
      if (!awaitExit(process.toHandle(), Duration.ofSeconds(60))) {
        log.warn("{}: still running after 60 s, killing it", name);
        kill();
      }
      log.info("{}: stopped", name);
    }

    @Override
    boolean alive() {
      return process != null && process.isAlive();
    }

    @Override
    long pidForKill() {
      return process == null ? -1 : process.pid();
    }

    @Override
    Optional<Integer> exitCode() {
      return process == null || process.isAlive()
          ? Optional.empty()
          : Optional.of(process.exitValue());
    }
  }

  /**
   * PostgreSQL: a launcher JVM starts the postmaster (a process of its own, detached by pg_ctl).
   * The fault kills the postmaster itself (PID from its {@code postmaster.pid}), then the launcher.
   */
  class PostgresComponent extends JvmComponent {
    final Path pgData;

    PostgresComponent(Path pgData, List<String> args) {
      super("postgres", "-Xmx128m", ChaosServer.class.getName(), args, Map.of(), 0);
      this.pgData = pgData;
    }

    Optional<ProcessHandle> postmaster() {
      try {
        long pid =
            Long.parseLong(Files.readAllLines(pgData.resolve("postmaster.pid")).get(0).trim());
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
      } catch (IOException | RuntimeException e) {
        return Optional.empty();
      }
    }

    @Override
    void start() {
      // After a kill -9 its backends exit on their own a moment later; until then PostgreSQL
      // refuses to start on the old shared memory. Retry a few times.
      for (int attempt = 1; ; attempt++) {
        try {
          super.start();
          return;
        } catch (IllegalStateException e) {
          if (attempt >= 5) throw e;
          log.warn(
              "postgres: start attempt {} failed ({}), retrying in 3 s", attempt, e.getMessage());
          sleep(3_000);
        }
      }
    }

    @Override
    void kill() {
      postmaster()
          .ifPresent(
              pm -> {
                pm.destroyForcibly();
                awaitExit(pm, Duration.ofSeconds(30));
              });
      super.kill();
    }

    @Override
    long pidForKill() {
      return postmaster().map(ProcessHandle::pid).orElse(-1L);
    }

    @Override
    void stop() {
      Optional<ProcessHandle> pm = postmaster();
      super.stop(); // the launcher's shutdown hook stops PostgreSQL (fast shutdown)
      pm.filter(ProcessHandle::isAlive)
          .ifPresent(
              h -> {
                if (!awaitExit(h, Duration.ofSeconds(30))) {
                  log.warn("postgres: postmaster {} still running, killing it", h.pid());
                  h.destroyForcibly();
                }
              });
    }

    @Override
    boolean alive() {
      return super.alive() && postmaster().isPresent();
    }
  }

  /** The Temporal dev server: already a child process of its own (the temporal CLI). */
  class TemporalComponent extends Component {
    TemporalDevServer server;

    TemporalComponent() {
      super("temporal");
    }

    @Override
    void start() {
      starts++;
      log.info("temporal: starting (log {})", dir.resolve("temporal/temporal.log"));
      server =
          TemporalDevServer.start(
              dir.resolve("temporal"),
              temporalPort,
              temporalUiPort,
              StockflowSearchAttributes.DEV_SERVER_FLAGS);
      log.info("temporal: ready (pid {})", server.pid());
    }

    @Override
    void kill() {
      if (server == null) return;
      ProcessHandle.of(server.pid())
          .ifPresent(
              h -> {
                h.destroyForcibly();
                awaitExit(h, Duration.ofSeconds(30));
              });
      server.close(); // already gone: only removes the pid file
      server = null;
    }

    @Override
    void stop() {
      if (server == null) return;
      log.info("temporal: stopping (pid {})", server.pid());
      server.close();
      server = null;
      log.info("temporal: stopped");
    }

    @Override
    boolean alive() {
      return server != null
          && ProcessHandle.of(server.pid()).map(ProcessHandle::isAlive).orElse(false);
    }

    @Override
    long pidForKill() {
      return server == null ? -1 : server.pid();
    }

    @Override
    Path lastLog() {
      return dir.resolve("temporal/temporal.log");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Load and audit

  /**
   * Paced single-row UPDATEs of on_hand, round robin over its rows; every value is new (a global
   * counter), so each committed version is identifiable in the audit log. Only writes whose
   * executeUpdate returned count as committed; one cut off by a failure is only "attempted".
   */
  static final class LoadWriter implements Runnable {
    record Version(long seq, String sku, long value, long committedAtNanos) {}

    private final String jdbc;
    private final long periodNanos;
    private final List<String> rows = new CopyOnWriteArrayList<>();
    private final Set<String> episodeRows = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicLong counter = new AtomicLong();
    private final List<Version> committed = new ArrayList<>();
    private final Map<String, Long> perRow = new HashMap<>();
    private final Set<String> attempted = java.util.concurrent.ConcurrentHashMap.newKeySet();
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong failures = new AtomicLong();
    private volatile RuntimeException failure;

    LoadWriter(String jdbc, int rate) {
      this.jdbc = jdbc;
      this.periodNanos = TimeUnit.SECONDS.toNanos(1) / rate;
    }

    void addRow(String sku, boolean episode) {
      if (episode) episodeRows.add(sku);
      rows.add(sku);
    }

    @Override
    public void run() {
      long next = System.nanoTime();
      int i = 0;
      boolean down = false;
      while (!stop.get()) {
        try (Connection c = connect(jdbc);
            PreparedStatement s =
                c.prepareStatement(
                    "UPDATE inventory_levels SET on_hand = ?, last_updated = now()"
                        + " WHERE sku = ? AND location_id = ?")) {
          if (down) log.info("writer: reconnected after {} failed attempts", failures.get());
          down = false;
          while (!stop.get()) {
            long now = System.nanoTime();
            if (now < next) {
              sleep(Math.max(1, (next - now) / 1_000_000));
              continue;
            }
            // After an outage start afresh instead of bursting the missed writes.
            next = Math.max(next + periodNanos, now - TimeUnit.SECONDS.toNanos(1));
            String sku = rows.get(i++ % rows.size());
            long n = counter.incrementAndGet();
            long value = episodeRows.contains(sku) ? EPISODE_LOW - n : LOAD_BASE + n;
            attempted.add(key(sku, value));
            s.setLong(1, value);
            s.setString(2, sku);
            s.setString(3, LOCATION);
            if (s.executeUpdate() != 1) throw new IllegalStateException("row " + sku + " missing");
            synchronized (this) {
              committed.add(new Version(committed.size(), sku, value, System.nanoTime()));
              perRow.merge(sku, 1L, Long::sum);
            }
          }
        } catch (RuntimeException e) {
          failure = e;
          log.error("writer: stopped by {}", e.toString());
          return;
        } catch (SQLException e) {
          if (!down) log.warn("writer: write failed ({}), retrying", e.getMessage());
          down = true;
          failures.incrementAndGet();
          sleep(250);
        }
      }
    }

    void stop() {
      stop.set(true);
    }

    synchronized long committedCount() {
      return committed.size();
    }

    synchronized long committedFor(String sku) {
      return perRow.getOrDefault(sku, 0L);
    }

    synchronized List<Version> committed() {
      return List.copyOf(committed);
    }

    Set<String> attempted() {
      return Set.copyOf(attempted);
    }
  }

  static String key(String sku, long value) {
    return sku + "|" + value;
  }

  /** The audited on_hand versions of the suite's rows, read incrementally by recorded_at. */
  static final class Audit {
    private final Set<String> seen = new HashSet<>();
    private Timestamp watermark = new Timestamp(0);

    boolean contains(String sku, long value) {
      return seen.contains(key(sku, value));
    }

    /** Reads what was recorded since a minute before the newest row seen; false if PG is down. */
    boolean refresh(String jdbc) {
      try (Connection c = connect(jdbc);
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT after_row->>'sku', (after_row->>'on_hand')::bigint, recorded_at"
                      + " FROM inventory_changes WHERE table_name = 'inventory_levels'"
                      + " AND after_row->>'location_id' = ? AND recorded_at >= ?")) {
        s.setString(1, LOCATION);
        s.setTimestamp(2, new Timestamp(watermark.getTime() - 60_000));
        Timestamp newest = watermark;
        try (ResultSet rs = s.executeQuery()) {
          while (rs.next()) {
            seen.add(key(rs.getString(1), rs.getLong(2)));
            Timestamp t = rs.getTimestamp(3);
            if (t.after(newest)) newest = t;
          }
        }
        watermark = newest;
        return true;
      } catch (SQLException e) {
        return false;
      }
    }

    void refreshAll(String jdbc) {
      watermark = new Timestamp(60_000);
      refresh(jdbc);
    }

    /**
     * Audited versions the writer never attempted, leaving out the rows' seeded values. (Versions
     * the workflows wrote, e.g. in_transit_in, carry an on_hand the writer wrote before.)
     */
    Set<String> notIn(Set<String> attempted) {
      Set<String> out = new HashSet<>();
      for (String k : seen) {
        boolean seeded = k.endsWith("|" + LOAD_BASE) || k.endsWith("|" + EPISODE_SEED);
        if (!seeded && !attempted.contains(k)) out.add(k);
      }
      return out;
    }

    /** Versions (row, on_hand) with more than one audit row: re-emitted with another updated. */
    long versionsAuditedTwice(String jdbc) {
      try (Connection c = connect(jdbc);
          PreparedStatement s =
              c.prepareStatement(
                  "SELECT count(*) FROM (SELECT 1 FROM inventory_changes"
                      + " WHERE table_name = 'inventory_levels' AND after_row->>'location_id' = ?"
                      + " AND operation = 'update' AND before_row->>'on_hand' IS DISTINCT FROM"
                      + " after_row->>'on_hand'"
                      + " GROUP BY after_row->>'sku', after_row->>'on_hand' HAVING count(*) > 1) d")) {
        s.setString(1, LOCATION);
        try (ResultSet rs = s.executeQuery()) {
          rs.next();
          return rs.getLong(1);
        }
      } catch (SQLException e) {
        return -1;
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Output

  static String table(List<Row> rows, Options options) {
    StringBuilder sb = new StringBuilder();
    sb.append(
        String.format(
            Locale.ROOT,
            "fault suite: %d UPDATEs/s over %d rows, down %d s per fault%n",
            options.rate(),
            options.skus(),
            options.downSeconds()));
    sb.append(
        "| fault | writes committed | lost | duplicated effects | purchase orders / low-stock"
            + " alerts of its episode | ready after restart | caught up after kill | result |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %d | %d | %d | %d / %d | %s | %s | %s |%n",
              r.fault().equals("baseline") ? "none (baseline)" : "kill -9 " + label(r.fault()),
              r.committed(),
              r.lost(),
              r.duplicated(),
              r.purchaseOrders(),
              r.alerts(),
              r.fault().equals("baseline")
                  ? "–"
                  : String.format(Locale.ROOT, "%.1f s", r.readySeconds()),
              r.caughtUpSeconds() < 0
                  ? "**not caught up**"
                  : String.format(Locale.ROOT, "%.1f s", r.caughtUpSeconds()),
              r.ok()
                  ? "ok"
                  : "**FAILED**"
                      + (r.notes().isEmpty() ? "" : ": " + String.join("; ", r.notes()))));
    }
    return sb.toString();
  }

  static String label(String fault) {
    return switch (fault) {
      case "consumer", "worker", "api" -> fault + " role";
      case "bridge" -> "changefeed bridge";
      case "kafka" -> "Kafka broker";
      case "temporal" -> "Temporal dev server";
      case "postgres" -> "PostgreSQL";
      default -> fault;
    };
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  static Connection connect(String jdbc) throws SQLException {
    return DriverManager.getConnection(jdbc + "&connectTimeout=3&socketTimeout=30");
  }

  static boolean answers(int port) {
    try {
      HttpURLConnection c =
          (HttpURLConnection)
              URI.create("http://" + Ports.LOOPBACK + ":" + port + "/health")
                  .toURL()
                  .openConnection();
      c.setConnectTimeout(1_000);
      c.setReadTimeout(5_000);
      try {
        return c.getResponseCode() > 0;
      } finally {
        c.disconnect();
      }
    } catch (IOException e) {
      return false;
    }
  }

  static boolean logContains(Path file, String marker) {
    try {
      return Files.exists(file) && Files.readString(file).contains(marker);
    } catch (IOException e) {
      return false;
    }
  }

  static boolean awaitExit(ProcessHandle h, Duration atMost) {
    try {
      h.onExit().get(atMost.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (Exception e) {
      return !h.isAlive();
    }
  }

  static void waitUntil(Duration atMost, String what, BooleanSupplier condition) {
    if (!waitFor(atMost, condition))
      throw new IllegalStateException("timed out waiting for " + what);
  }

  static boolean waitFor(Duration atMost, BooleanSupplier condition) {
    long deadline = System.nanoTime() + atMost.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) return false;
      sleep(500);
    }
    return true;
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static double seconds(long nanos) {
    return Math.round(nanos / 1e8) / 10.0;
  }

  private static String first(Set<String> s) {
    return s.stream().sorted().findFirst().orElse("");
  }
}
