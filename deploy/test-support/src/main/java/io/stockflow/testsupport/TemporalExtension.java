package io.stockflow.testsupport;

import io.stockflow.embedded.Ports;
import io.stockflow.embedded.TemporalDevServer;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One Temporal dev server per test JVM (per set of search attributes). Each test class gets a task
 * queue of its own, so a workflow another class left behind is never run by this class's worker
 * against this class's database. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final TemporalExtension temporal =
 *     TemporalExtension.withSearchAttributes(StockflowSearchAttributes.DEV_SERVER_FLAGS);
 * ... temporal.target(), temporal.taskQueue()
 * }</pre>
 *
 * <p>Workflow IDs are shared by the whole server: classes that use the same business keys must end
 * their workflows. A test about restarting the server starts a {@link TemporalDevServer} of its
 * own.
 */
public final class TemporalExtension implements BeforeAllCallback {
  private static final AtomicInteger CLASSES = new AtomicInteger();

  private final Map<String, String> searchAttributes;
  private volatile TemporalDevServer server;
  private volatile String taskQueue;

  private TemporalExtension(Map<String, String> searchAttributes) {
    this.searchAttributes = new TreeMap<>(searchAttributes);
  }

  /** A dev server knowing {@code searchAttributes} (name → type, e.g. {@code Sku → Keyword}). */
  public static TemporalExtension withSearchAttributes(Map<String, String> searchAttributes) {
    return new TemporalExtension(searchAttributes);
  }

  /** host:port of the dev server's gRPC frontend; valid from the class's start. */
  public String target() {
    TemporalDevServer s = server;
    if (s == null) throw new IllegalStateException("the server starts with the first test class");
    return s.target();
  }

  /** The running class's own task queue. */
  public String taskQueue() {
    String q = taskQueue;
    if (q == null) throw new IllegalStateException("no test class is running");
    return q;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    server =
        SharedServers.get(
            context,
            "temporal" + searchAttributes,
            TemporalDevServer.class,
            dir -> TemporalDevServer.start(dir, Ports.free(), Ports.free(), searchAttributes));
    taskQueue =
        "it-" + CLASSES.incrementAndGet() + "-" + context.getRequiredTestClass().getSimpleName();
  }
}
