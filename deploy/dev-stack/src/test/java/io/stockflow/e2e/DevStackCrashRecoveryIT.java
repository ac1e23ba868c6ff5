package io.stockflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stockflow.dev.DemoData;
import io.stockflow.dev.DevStack;
import io.stockflow.embedded.Ports;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * kill -9 of the {@code ./stockflow dev} process (a child JVM running {@link DevStack}) while SQL
 * writes are in flight: PostgreSQL and the Temporal dev server outlive it (they are separate
 * processes), and the next start with the same data directory and ports finds them through their
 * pid files, stops them and starts normally. Every update committed before, during and after the
 * crash reaches the audit log once the pipeline catches up.
 */
@ResourceLock(SharedDevStack.OWN_STACKS)
class DevStackCrashRecoveryIT {
  static final String READY = "stockflow is running";
  static final String SKU = DemoData.DEMO_SKU;
  static final String LOCATION = DemoData.DEMO_LOCATION;

  @TempDir Path dir;

  final List<Process> children = new ArrayList<>();
  final Set<Long> serverPids = ConcurrentHashMap.newKeySet();

  @Test
  void theNextStartStopsWhatACrashedDevStackLeftRunningAndNothingIsLost() throws Exception {
    Path data = dir.resolve("data");
    Path pgData = data.resolve("postgres/data");
    Map<String, String> env = new HashMap<>();
    env.put("STOCKFLOW_DATA_DIR", data.toString());
    env.put("STOCKFLOW_PG_PORT", Integer.toString(Ports.free()));
    env.put("STOCKFLOW_KAFKA_PORT", Integer.toString(Ports.free()));
    env.put("STOCKFLOW_KAFKA_CONTROLLER_PORT", Integer.toString(Ports.free()));
    env.put("STOCKFLOW_TEMPORAL_PORT", Integer.toString(Ports.free()));
    env.put("STOCKFLOW_TEMPORAL_UI_PORT", Integer.toString(Ports.free()));
    env.put("STOCKFLOW_API_PORT", Integer.toString(Ports.free()));
    String jdbc =
        "jdbc:postgresql://127.0.0.1:" + env.get("STOCKFLOW_PG_PORT") + "/stockflow?user=postgres";

    Writer writer = new Writer(jdbc);
    Thread writing = new Thread(writer, "writer");
    writing.setDaemon(true); // never outlives a failed run
    try {
      Process first = startDevStack(env, 1);
      awaitReady(first, 1);
      rememberServers(data);

      writing.start();
      waitUntil(Duration.ofSeconds(60), "50 committed writes", () -> writer.committed() >= 50);

      first.destroyForcibly(); // SIGKILL: no shutdown hook runs, nothing is stopped
      assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("killed dev stack exited").isTrue();
      assertThat(first.exitValue()).as("exit status of SIGKILL").isEqualTo(137);

      // The scenario: the crashed stack's PostgreSQL is still running from its data directory
      // (and keeps taking writes), so a plain restart would find its port taken.
      long orphanPg = pidIn(pgData.resolve("postmaster.pid"));
      assertThat(ProcessHandle.of(orphanPg).map(ProcessHandle::isAlive))
          .as("PostgreSQL (pid %d) outlived the killed dev stack", orphanPg)
          .contains(true);
      long atKill = writer.committed();
      waitUntil(
          Duration.ofSeconds(30),
          "writes committed while the dev stack is down",
          () -> writer.committed() >= atKill + 20);

      Process second = startDevStack(env, 2);
      awaitReady(second, 2);
      rememberServers(data);
      assertThat(ProcessHandle.of(orphanPg).map(ProcessHandle::isAlive))
          .as("the left-behind PostgreSQL was stopped")
          .isNotEqualTo(Optional.of(true));
      assertThat(log(2))
          .contains("found PostgreSQL left running by a previous crash (pid " + orphanPg + ")");

      // Writes go on against the new PostgreSQL, then stop.
      long afterRestart = writer.committed();
      waitUntil(
          Duration.ofSeconds(60),
          "writes committed after the restart",
          () -> writer.committed() >= afterRestart + 50);
      writer.stop();
      writing.join(TimeUnit.SECONDS.toMillis(30));
      assertThat(writer.failure()).as("writer").isNull();

      Set<Long> committed = writer.committedValues();
      waitUntil(
          Duration.ofMinutes(3),
          "every committed on_hand value in the audit log",
          () -> audited(jdbc).containsAll(committed));
      Set<Long> audited = audited(jdbc);
      assertThat(audited).containsAll(committed);
      // Nothing made up: an audited value was at least attempted (a write whose commit was cut
      // off by the restart may or may not have committed).
      assertThat(writer.attemptedValues()).containsAll(audited);
      System.out.printf(
          "crash recovery: %d writes committed (%d while the stack was down), all %d audited%n",
          committed.size(), afterRestart - atKill, committed.size());

      // A clean stop (SIGTERM, what Ctrl-C does) leaves nothing running.
      long pg = pidIn(pgData.resolve("postmaster.pid"));
      second.destroy();
      assertThat(second.waitFor(120, TimeUnit.SECONDS)).as("dev stack stopped").isTrue();
      waitUntil(
          Duration.ofSeconds(30),
          "PostgreSQL stopped with the dev stack",
          () -> ProcessHandle.of(pg).map(h -> !h.isAlive()).orElse(true));
    } finally {
      writer.stop();
      // The children's output goes to the test report (the temporary directory does not survive).
      for (int n = 1; n <= children.size(); n++)
        System.out.printf("--- dev stack %d%n%s", n, log(n));
      for (Process p : children) {
        if (p.isAlive()) {
          p.destroyForcibly();
          p.waitFor(30, TimeUnit.SECONDS);
        }
      }
      // The servers the children started run in their own processes: kill them by PID (from
      // the pid files, verified to be this data directory's) so a failed run leaves nothing.
      rememberServers(data);
      for (long pid : serverPids) ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }
  }

  /** A dev stack JVM like {@code ./stockflow dev}, on this test's classpath and data directory. */
  private Process startDevStack(Map<String, String> env, int n) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    String classpath = System.getProperty("java.class.path");
    assertThat(classpath).as("test classpath").contains("test-classes");
    // An argument file keeps a long classpath off the command line.
    Path argFile = dir.resolve("devstack.args");
    Files.writeString(
        argFile, "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
    // C1 only and the serial collector, as ./stockflow dev runs it: the JVM starts on less CPU.
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx512m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "@" + argFile.toAbsolutePath(),
            DevStack.class.getName());
    pb.environment().putAll(env);
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(logFile(n).toFile()));
    Process p = pb.start();
    children.add(p);
    System.out.printf("started dev stack %d, pid %d, output in %s%n", n, p.pid(), logFile(n));
    return p;
  }

  private void awaitReady(Process p, int n) throws InterruptedException {
    waitUntil(
        Duration.ofMinutes(3),
        "dev stack " + n + " ready",
        () -> {
          if (!p.isAlive())
            throw new AssertionError(
                "dev stack " + n + " exited with " + p.exitValue() + ":\n" + log(n));
          return log(n).contains(READY);
        });
  }

  private Path logFile(int n) {
    return dir.resolve("devstack-" + n + ".log");
  }

  private String log(int n) {
    try {
      return Files.exists(logFile(n)) ? Files.readString(logFile(n)) : "";
    } catch (IOException e) {
      return "";
    }
  }

  /** PostgreSQL and Temporal, by the pid files in the data directory. */
  private void rememberServers(Path data) {
    for (Path pidFile :
        List.of(
            data.resolve("postgres/data/postmaster.pid"), data.resolve("temporal/temporal.pid"))) {
      try {
        if (Files.exists(pidFile)) serverPids.add(pidIn(pidFile));
      } catch (IOException | NumberFormatException e) {
        // being rewritten: the next look finds it
      }
    }
  }

  private static long pidIn(Path pidFile) throws IOException {
    return Long.parseLong(Files.readAllLines(pidFile).get(0).trim());
  }

  private static Set<Long> audited(String jdbc) {
    Set<Long> values = new HashSet<>();
    try (Connection c = DriverManager.getConnection(jdbc);
        PreparedStatement s =
            c.prepareStatement(
                "SELECT (after_row->>'on_hand')::bigint FROM inventory_changes"
                    + " WHERE table_name = 'inventory_levels'"
                    + " AND after_row->>'sku' = ? AND after_row->>'location_id' = ?")) {
      s.setString(1, SKU);
      s.setString(2, LOCATION);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) values.add(rs.getLong(1));
      }
    } catch (SQLException e) {
      // not up yet: nothing audited as far as we can tell
    }
    return values;
  }

  private static void waitUntil(Duration atMost, String what, BooleanSupplier condition) {
    await(what).atMost(atMost).pollInterval(Duration.ofMillis(200)).until(condition::getAsBoolean);
  }

  /**
   * UPDATEs of one row's on_hand, each a new value (1000 + n: never low enough to start a restock),
   * recording which committed. Reconnects while PostgreSQL is being replaced.
   */
  static final class Writer implements Runnable {
    private final String jdbc;
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicLong next = new AtomicLong(1000);
    private final Set<Long> committed = ConcurrentHashMap.newKeySet();
    private final Set<Long> attempted = ConcurrentHashMap.newKeySet();
    private volatile Throwable failure;

    Writer(String jdbc) {
      this.jdbc = jdbc;
    }

    @Override
    public void run() {
      try {
        while (!stop.get()) {
          try (Connection c = DriverManager.getConnection(jdbc);
              PreparedStatement s =
                  c.prepareStatement(
                      "UPDATE inventory_levels SET on_hand = ?, last_updated = now()"
                          + " WHERE sku = ? AND location_id = ?")) {
            while (!stop.get()) {
              long value = next.incrementAndGet();
              attempted.add(value);
              s.setLong(1, value);
              s.setString(2, SKU);
              s.setString(3, LOCATION);
              if (s.executeUpdate() != 1) throw new IllegalStateException("demo row missing");
              committed.add(value); // autocommit: returned means committed
              Thread.sleep(20); // ~50 writes/s, as in the report
            }
          } catch (SQLException down) {
            // PostgreSQL is being stopped or started: the write in flight is uncertain, retry
            Thread.sleep(100);
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (RuntimeException e) {
        failure = e;
      }
    }

    void stop() {
      stop.set(true);
    }

    long committed() {
      return committed.size();
    }

    Set<Long> committedValues() {
      return Set.copyOf(committed);
    }

    Set<Long> attemptedValues() {
      return Set.copyOf(attempted);
    }

    Throwable failure() {
      return failure;
    }
  }
}
