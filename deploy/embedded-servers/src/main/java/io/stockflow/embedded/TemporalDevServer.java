package io.stockflow.embedded;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real Temporal dev server ({@code temporal server start-dev}, with its Web UI) as a child
 * process. State is kept in a SQLite file, so workflows survive a restart. The child's PID is
 * written next to it: a launcher killed with -9 cannot stop its child, so the next start stops the
 * stale one first instead of leaving an orphan holding the ports.
 */
public final class TemporalDevServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TemporalDevServer.class);

  /** CLI version the project pins; {@code deploy/install-temporal.sh} installs it. */
  public static final String CLI_VERSION = "1.9.1";

  private final Process process;
  private final int port;
  private final int uiPort;
  private final Path pidFile;

  private static final Optional<Path> SETSID =
      Stream.of("/usr/bin/setsid", "/bin/setsid")
          .map(Path::of)
          .filter(Files::isExecutable)
          .findFirst();

  private TemporalDevServer(Process process, int port, int uiPort, Path pidFile) {
    this.process = process;
    this.port = port;
    this.uiPort = uiPort;
    this.pidFile = pidFile;
  }

  /**
   * Starts the dev server on 127.0.0.1:{@code port} (gRPC) and {@code uiPort} (Web UI), registering
   * {@code searchAttributes} (name → type, e.g. {@code Sku → Keyword}).
   */
  public static TemporalDevServer start(
      Path dataDir, int port, int uiPort, Map<String, String> searchAttributes) {
    Path binary =
        findBinary()
            .orElseThrow(
                () ->
                    new StartupException(
                        "Temporal",
                        "the temporal CLI was not found",
                        "run `bash deploy/install-temporal.sh` (installs it into .tools/), or set STOCKFLOW_TEMPORAL_BIN,"
                            + " or point STOCKFLOW_TEMPORAL_TARGET at a running Temporal server"));
    try {
      Files.createDirectories(dataDir);
      Path pidFile = dataDir.resolve("temporal.pid");
      stopStale(pidFile);
      Ports.requireFree("Temporal", port, "STOCKFLOW_TEMPORAL_PORT");
      Ports.requireFree("Temporal Web UI", uiPort, "STOCKFLOW_TEMPORAL_UI_PORT");
      List<String> cmd = new ArrayList<>();
      cmd.addAll(
          List.of(
              binary.toString(),
              "server",
              "start-dev",
              "--ip",
              Ports.LOOPBACK,
              "--port",
              Integer.toString(port),
              "--ui-port",
              Integer.toString(uiPort),
              "--http-port",
              Integer.toString(Ports.free()),
              "--metrics-port",
              Integer.toString(Ports.free()),
              "--db-filename",
              dataDir.resolve("temporal.db").toString(),
              "--log-level",
              "warn",
              "--ui-disable-news-fetch"));
      searchAttributes.forEach(
          (name, type) -> cmd.addAll(List.of("--search-attribute", name + "=" + type)));
      // A session of its own: Ctrl-C in a terminal signals the whole foreground process group,
      // which
      // would stop the dev server before the platform's ordered shutdown (consumers, then worker)
      // is
      // done with it. setsid execs in place (our child is no group leader), so the PID stays ours.
      SETSID.ifPresent(setsid -> cmd.add(0, setsid.toString()));
      Process p =
          new ProcessBuilder(cmd)
              .redirectErrorStream(true)
              .redirectOutput(
                  ProcessBuilder.Redirect.appendTo(dataDir.resolve("temporal.log").toFile()))
              .start();
      Files.writeString(pidFile, Long.toString(p.pid()));
      TemporalDevServer server = new TemporalDevServer(p, port, uiPort, pidFile);
      if (!Ports.awaitListening(port, Duration.ofSeconds(60))
          || !Ports.awaitListening(uiPort, Duration.ofSeconds(30))) {
        server.close();
        throw new StartupException(
            "Temporal",
            "dev server did not come up within 60 s",
            "see " + dataDir.resolve("temporal.log"));
      }
      if (!p.isAlive())
        throw new StartupException(
            "Temporal",
            "dev server exited with " + p.exitValue(),
            "see " + dataDir.resolve("temporal.log"));
      return server;
    } catch (IOException e) {
      throw new StartupException(
          "Temporal",
          "failed to start (" + e.getMessage() + ")",
          "see the log under " + dataDir,
          e);
    }
  }

  /**
   * STOCKFLOW_TEMPORAL_BIN, else .tools/bin/temporal in this or a parent directory, else temporal
   * on the PATH.
   */
  public static Optional<Path> findBinary() {
    String env = System.getenv("STOCKFLOW_TEMPORAL_BIN");
    if (env != null && !env.isBlank()) return Optional.of(Path.of(env)).filter(Files::isExecutable);
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(".tools/bin/temporal");
      if (Files.isExecutable(candidate)) return Optional.of(candidate);
    }
    String path = System.getenv().getOrDefault("PATH", "");
    for (String dir : path.split(java.io.File.pathSeparator)) {
      if (dir.isEmpty()) continue;
      Path candidate = Path.of(dir, "temporal");
      if (Files.isExecutable(candidate)) return Optional.of(candidate);
    }
    return Optional.empty();
  }

  /**
   * The dev server a crashed launcher left running: the PID in our pid file, trusted only if that
   * process names this data directory's database on its command line (a recycled PID is not ours).
   */
  private static void stopStale(Path pidFile) throws IOException {
    if (!Files.exists(pidFile)) return;
    LeftBehind.find(pidFile, pidFile.getParent())
        .ifPresent(h -> LeftBehind.stop("Temporal dev server", h, "TERM", Duration.ofSeconds(10)));
    Files.deleteIfExists(pidFile);
  }

  /** host:port of the gRPC frontend, what the Temporal SDK calls the target. */
  public String target() {
    return Ports.LOOPBACK + ":" + port;
  }

  public String uiUrl() {
    return "http://" + Ports.LOOPBACK + ":" + uiPort;
  }

  public long pid() {
    return process.pid();
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(15, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        process.waitFor(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    try {
      Files.deleteIfExists(pidFile);
    } catch (IOException ignored) {
      // best effort: a stale pid file is checked (by command name) before use
    }
  }
}
