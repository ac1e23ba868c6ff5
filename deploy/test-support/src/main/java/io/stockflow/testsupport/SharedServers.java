package io.stockflow.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.function.Function;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The servers of one test JVM: each lives in the root {@link ExtensionContext.Store}, so the first
 * test class that needs it starts it and JUnit closes it when the whole test run of the JVM ends —
 * also when tests failed. (Since JUnit 5.13 the store closes {@link AutoCloseable} values; that
 * replaces the deprecated {@code CloseableResource}.)
 */
final class SharedServers {
  static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create("io.stockflow.testsupport");

  private SharedServers() {}

  /**
   * The JVM-wide server under {@code key}, started by {@code start} in a new temporary directory on
   * first use; when the run ends it is closed and the directory deleted.
   */
  static <T extends AutoCloseable> T get(
      ExtensionContext context, String key, Class<T> type, Function<Path, T> start) {
    Running running =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(key, k -> Running.start(key, start), Running.class);
    return type.cast(running.server);
  }

  /** A server and its data directory. */
  private record Running(AutoCloseable server, Path dir) implements AutoCloseable {
    static Running start(String name, Function<Path, ? extends AutoCloseable> start) {
      Path dir = newDirectory(name);
      try {
        return new Running(start.apply(dir), dir);
      } catch (RuntimeException | Error e) {
        delete(dir);
        throw e;
      }
    }

    @Override
    public void close() throws Exception {
      try {
        server.close();
      } finally {
        delete(dir);
      }
    }
  }

  private static Path newDirectory(String name) {
    try {
      return Files.createTempDirectory("stockflow-test-" + name.replaceAll("[^A-Za-z0-9]", "-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code dir} and everything under it; a server's files are worthless after its run. */
  private static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the directory is under the system's temporary directory
    }
  }
}
