package io.stockflow.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.stockflow.e2e.SharedDevStack;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.ResourceLock;

/**
 * The fault suite ({@code ./stockflow chaos}, docs/faults.md), reduced to two faults to keep CI
 * time down: PostgreSQL, Kafka, the bridge, Temporal, the consumer role and the worker and api
 * roles (one process, as no fault here kills them) each in a process of its own under a steady
 * write load; kill -9 of the consumer role, then of the changefeed bridge, each restarted. Nothing
 * committed is lost and no purchase order or alert is duplicated.
 */
@ResourceLock(SharedDevStack.OWN_STACKS)
class FaultSuiteIT {
  @TempDir Path dir;

  @Test
  @Timeout(value = 10, unit = TimeUnit.MINUTES)
  void killingTheConsumerRoleAndTheBridgeLosesNothingAndDuplicatesNoEffect() throws Exception {
    ChaosSuite.Options options =
        new ChaosSuite.Options(
            50, 4, 3, 3, 180, List.of("consumer", "bridge"), dir.resolve("chaos"), true);
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    int status;
    try (PrintStream out = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
      status = ChaosSuite.run(options, out);
    }
    String table = buf.toString(StandardCharsets.UTF_8);
    System.out.println(table);
    if (status != ChaosSuite.EXIT_OK) printLogs(dir.resolve("chaos/logs"));
    assertThat(table)
        .contains("| none (baseline) |")
        .contains("| kill -9 consumer role |")
        .contains("| kill -9 changefeed bridge |")
        .contains("fault suite: PASSED")
        .doesNotContain("FAILED");
    assertThat(status).as("exit status").isEqualTo(ChaosSuite.EXIT_OK);
  }

  /** The children's logs go to the test report (the temporary directory does not survive). */
  private static void printLogs(Path logs) throws IOException {
    if (!Files.isDirectory(logs)) return;
    try (Stream<Path> files = Files.list(logs)) {
      for (Path f : files.sorted().toList()) {
        List<String> lines = Files.readAllLines(f);
        System.out.printf(
            "--- %s (last 60 lines)%n%s%n",
            f.getFileName(),
            String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size())));
      }
    }
  }
}
