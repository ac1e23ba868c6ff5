package io.stockflow.deploy.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs a tool of the checks (go, helm) and keeps what it printed. */
record Command(int exitCode, String stdout, String stderr) {

  /** The repository's root (the tests run in deploy/artifacts-check). */
  static final Path ROOT = Path.of("../..").toAbsolutePath().normalize();

  static Command run(Path dir, Map<String, String> env, Duration timeout, List<String> command)
      throws IOException, InterruptedException {
    // Output into files: a chatty tool must not block on a full pipe while we wait for it.
    File out = File.createTempFile("artifacts-check", ".out");
    File err = File.createTempFile("artifacts-check", ".err");
    try {
      ProcessBuilder builder =
          new ProcessBuilder(command)
              .directory(dir.toFile())
              .redirectOutput(out)
              .redirectError(err);
      builder.environment().putAll(env);
      Process process = builder.start();
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        process.destroyForcibly().waitFor();
        throw new AssertionError(command + " did not finish within " + timeout);
      }
      return new Command(
          process.exitValue(),
          Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out.toPath());
      Files.deleteIfExists(err.toPath());
    }
  }

  /** Asserts success, with the tool's own words when it failed. */
  Command succeeded() {
    assertThat(exitCode).as("exit code; stderr:%n%s%nstdout:%n%s", stderr, stdout).isZero();
    return this;
  }
}
