package io.stockflow.e2e;

import io.stockflow.api.security.ApiKeys;
import io.stockflow.db.Database;
import io.stockflow.dev.DemoData;
import io.stockflow.dev.DevSettings;
import io.stockflow.dev.DevStack;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One dev stack ({@link DevStack}: PostgreSQL, Kafka, Temporal with its Web UI, the bridge, the
 * platform with all three roles) for every end-to-end test class of the test JVM that can share it.
 * Starting the stack is the slow part of such a class (about 15 s, much more on a busy machine);
 * the first class that registers the extension starts it, and JUnit stops it when the JVM's test
 * run ends, also after failures. Register it on a static field:
 *
 * <pre>{@code
 * @ResourceLock(SharedDevStack.LOCK)
 * class MyIT {
 * @RegisterExtension static final SharedDevStack stack = new SharedDevStack();
 * ... stack.get().jdbcUrl(), stack.get().apiUrl(), stack.addSku("MYTEST-TERIYAKI-3OZ")
 * }</pre>
 *
 * <p>The stack runs on {@link DevSettings#forTests} (free ports, servers without fsync) with the
 * demo data and {@link #PROPERTIES}. Because classes share it:
 *
 * <ul>
 *   <li>Assert only on rows, workflows and messages of your own. Rows other classes change (the
 *       demo SKUs are changed by {@link ReactionsEndToEndIT}) may not be as seeded: take a SKU of
 *       your own with {@link #addSku}, stocked as a demo SKU is seeded.
 *   <li>Leave the stack as you found it: resume what you pause, and change no setting.
 *   <li>A class that needs other platform properties adds them to {@link #PROPERTIES} if no other
 *       class minds them; a class about starting, stopping or killing the stack starts its own
 *       ({@link DevStackCrashRecoveryIT}, {@link DevStackStartupFailureIT}).
 * </ul>
 */
public final class SharedDevStack implements BeforeAllCallback {
  /**
   * The lane of the classes on the shared stack ({@code @ResourceLock(SharedDevStack.LOCK)}), and
   * of short classes: one after the other, next to the {@link #OWN_STACKS} lane (this module's
   * failsafe runs two IT classes at a time).
   */
  public static final String LOCK = "shared-dev-stack";

  /**
   * The lane of the long classes that crash or kill stacks of their own (the crash-recovery and
   * fault suites): one at a time, as each keeps a stack's worth of servers busy.
   */
  public static final String OWN_STACKS = "own-dev-stacks";

  /** The platform properties of the shared stack, beyond the dev defaults. */
  static final Map<String, Object> PROPERTIES =
      Map.of(
          // Reservations expire after 3 s, so an expiry workflow's timer fires during a test.
          "stockflow.reservations.ttl",
          "3s",
          // OpsConsoleIT shows that the console refuses a key without the ops role.
          ApiKeys.PROPERTY + "." + OpsConsoleIT.ASSOCIATE_KEY,
          "associate",
          // TracingEndToEndIT reads the platform's spans from memory (tracing on, nothing
          // exported).
          TracingEndToEndIT.InMemorySpans.PROPERTY,
          "true",
          // Adding a reaction: the class DamageReportSubprocessor and this one line.
          "stockflow.changefeed.tables.inventory_levels",
          List.of(
              "audit-log",
              "restock",
              "stock-alert",
              "count-variance-alert",
              "channel-sync",
              "damage-report"));

  private static final ExtensionContext.Namespace NAMESPACE =
      ExtensionContext.Namespace.create(SharedDevStack.class);

  private volatile DevStack stack;

  /** The running stack; valid from the class's start. */
  public DevStack get() {
    DevStack s = stack;
    if (s == null) throw new IllegalStateException("the stack starts with the first test class");
    return s;
  }

  /**
   * Inserts {@code sku} stocked at every demo location as the demo SKUs are seeded (e.g. SEA1: 120
   * on hand, reorder point 20, safety stock 5, max stock 150), for a class's own writes.
   */
  public void addSku(String sku) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setUrl(get().jdbcUrl());
    DemoData.addSku(Database.dsl(ds), sku);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    stack =
        context
            .getRoot()
            .getStore(NAMESPACE)
            .getOrComputeIfAbsent(DevStack.class, k -> Running.start(), Running.class)
            .stack();
  }

  /** The stack and its data directory; the root store closes it when the run ends. */
  private record Running(DevStack stack, Path dir) implements AutoCloseable {
    static Running start() {
      Path dir;
      try {
        dir = Files.createTempDirectory("stockflow-shared-dev-stack");
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
      try {
        return new Running(DevStack.start(DevSettings.forTests(dir, PROPERTIES)), dir);
      } catch (RuntimeException | Error e) {
        DevStack.deleteRecursively(dir);
        throw e;
      }
    }

    @Override
    public void close() {
      try {
        stack.close();
      } finally {
        DevStack.deleteRecursively(dir);
      }
    }
  }
}
