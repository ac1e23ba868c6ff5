package io.stockflow.embedded;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Servers a crashed launcher left running. A dev stack killed with -9 cannot stop the servers it
 * runs as separate processes (PostgreSQL, the Temporal dev server); they keep its ports and the
 * next start would refuse. Such a server is found only through the pid file in its data directory,
 * and the PID is trusted only if that process still refers to the same data directory (its working
 * directory or its command line): a PID recycled by an unrelated process, or another stack's server
 * with another data directory, is never touched. Never by process name.
 */
public final class LeftBehind {
  private static final Logger log = LoggerFactory.getLogger(LeftBehind.class);

  private LeftBehind() {}

  /**
   * The live process whose PID is on the first line of {@code pidFile} and which refers to {@code
   * dataDir}; empty when the file is missing or unreadable, the process is gone, or it is someone
   * else's.
   */
  public static Optional<ProcessHandle> find(Path pidFile, Path dataDir) {
    long pid;
    try {
      List<String> lines = Files.readAllLines(pidFile, StandardCharsets.UTF_8);
      if (lines.isEmpty()) return Optional.empty();
      pid = Long.parseLong(lines.get(0).trim());
    } catch (IOException | NumberFormatException e) {
      return Optional.empty();
    }
    if (pid == ProcessHandle.current().pid()) return Optional.empty();
    return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(h -> refersTo(h, dataDir));
  }

  /**
   * Stops {@code process}: {@code signal} first (the server's own clean shutdown), SIGKILL to it
   * and its children after {@code grace}; returns once all of them are gone. Logs one line.
   */
  public static void stop(String component, ProcessHandle process, String signal, Duration grace) {
    log.warn(
        "found {} left running by a previous crash (pid {}); stopping it",
        component,
        process.pid());
    // Its children (PostgreSQL's backends) must be gone too before a new server starts: a
    // lingering backend keeps the old shared memory attached and the new postmaster refuses.
    List<ProcessHandle> children = process.descendants().toList();
    signal(process, signal);
    if (!awaitExit(process, grace)) {
      log.warn("{} (pid {}) ignored {}; killing it", component, process.pid(), signal);
      process.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
      awaitExit(process, Duration.ofSeconds(10));
    }
    for (ProcessHandle c : children) {
      if (!awaitExit(c, Duration.ofSeconds(5))) {
        c.destroyForcibly();
        awaitExit(c, Duration.ofSeconds(5));
      }
    }
    if (process.isAlive())
      throw new StartupException(
          component,
          "the copy left running by a previous crash (pid " + process.pid() + ") does not stop",
          "stop it by hand: kill -9 " + process.pid());
  }

  /** True when {@code process} runs in {@code dataDir} or names it on its command line. */
  static boolean refersTo(ProcessHandle process, Path dataDir) {
    Path dir = real(dataDir);
    Path proc = Path.of("/proc", Long.toString(process.pid()));
    try {
      if (real(Files.readSymbolicLink(proc.resolve("cwd"))).equals(dir)) return true;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      // no /proc (not Linux) or not ours: fall back to the command line
    }
    String cmdline;
    try {
      cmdline =
          new String(Files.readAllBytes(proc.resolve("cmdline")), StandardCharsets.UTF_8)
              .replace('\0', ' ');
    } catch (IOException e) {
      cmdline = process.info().commandLine().orElse("");
    }
    return cmdline.contains(dir.toString()) || cmdline.contains(dataDir.toString());
  }

  private static Path real(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException e) {
      return p.toAbsolutePath().normalize();
    }
  }

  /** {@code kill -<signal> <pid>}; Java itself can send only SIGTERM and SIGKILL. */
  private static void signal(ProcessHandle process, String signal) {
    if ("TERM".equals(signal)) {
      process.destroy();
      return;
    }
    try {
      Process kill =
          new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid()))
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      if (!kill.waitFor(5, TimeUnit.SECONDS)) kill.destroyForcibly();
    } catch (IOException e) {
      process.destroy(); // no kill(1): SIGTERM is still a clean shutdown, only a slower one
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroy();
    }
  }

  private static boolean awaitExit(ProcessHandle process, Duration timeout) {
    try {
      process.onExit().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return true;
    } catch (java.util.concurrent.TimeoutException e) {
      return !process.isAlive();
    } catch (java.util.concurrent.ExecutionException e) {
      return !process.isAlive();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return !process.isAlive();
    }
  }
}
