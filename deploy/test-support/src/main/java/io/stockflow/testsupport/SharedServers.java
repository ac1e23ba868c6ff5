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

  /** The JVM-wide value under {@code key}, created by {@code start} on first use. */
  static <T extends AutoCloseable> T get(
      ExtensionContext context, String key, Class<T> type, Function<Path, T> start) {
    return context
        .getRoot()
        .getStore(NAMESPACE)
        .getOrComputeIfAbsent(key, k -> start.apply(newDirectory(key)), type);
  }

  /** A temporary directory for one server's data, deleted by {@link #delete}. */
  static Path newDirectory(String name) {
    try {
      return Files.createTempDirectory("stockflow-test-" + name.replaceAll("[^A-Za-z0-9]", "-"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code dir} and everything under it; a server's files are worthless after its run. */
  static void delete(Path dir) {
    try (Stream<Path> files = Files.walk(dir)) {
      files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: the directory is under the system's temporary directory
    }
  }
}
