package io.stockflow.dev;

import io.stockflow.bridge.BridgeConfig;
import io.stockflow.bridge.PostgresChangefeedBridge;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.embedded.EmbeddedKafkaBroker;
import io.stockflow.embedded.EmbeddedPostgresServer;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One server of the dev stack in a JVM of its own, so the fault suite ({@link ChaosSuite}) can kill
 * it with -9 on its own and start it again with the same data directory and ports:
 *
 * <pre>
 *   postgres &lt;dataDir&gt; &lt;port&gt;                        PostgreSQL (the postmaster is its own process)
 *   kafka    &lt;dataDir&gt; &lt;port&gt; &lt;controllerPort&gt; &lt;partitions&gt;   the KRaft broker, in this JVM
 *   bridge   &lt;dataDir&gt; &lt;jdbcUrl&gt; &lt;kafka&gt; &lt;partitions&gt;     the changefeed bridge, in this JVM
 * </pre>
 *
 * Prints {@value #READY} once serving; SIGTERM stops the server cleanly (shutdown hook). Exits 1
 * when the server fails to start, and 3 when the bridge stops by itself.
 */
public final class ChaosServer {
  static final String READY = "CHAOS-SERVER-READY";
  private static final Logger log = LoggerFactory.getLogger("stockflow");

  private ChaosServer() {}

  public static void main(String[] args) throws InterruptedException {
    if (args.length < 1) usage();
    AutoCloseable server;
    String what;
    try {
      switch (args[0]) {
        case "postgres" -> {
          if (args.length != 3) usage();
          EmbeddedPostgresServer pg =
              EmbeddedPostgresServer.start(Path.of(args[1]), Integer.parseInt(args[2]));
          server = pg;
          what = "PostgreSQL at " + pg.jdbcUrl();
        }
        case "kafka" -> {
          if (args.length != 5) usage();
          EmbeddedKafkaBroker kafka =
              EmbeddedKafkaBroker.start(
                  Path.of(args[1]),
                  Integer.parseInt(args[2]),
                  Integer.parseInt(args[3]),
                  Integer.parseInt(args[4]));
          server = kafka;
          what = "Kafka at " + kafka.bootstrapServers();
        }
        case "bridge" -> {
          if (args.length != 5) usage();
          ChangefeedDeclaration feed =
              ChangefeedDeclaration.stockflow().withPartitions(Integer.parseInt(args[4]));
          PostgresChangefeedBridge bridge =
              PostgresChangefeedBridge.start(
                  BridgeConfig.of(feed, args[2], args[3], Path.of(args[1])));
          server = bridge;
          what = "changefeed bridge from " + DevStack.redact(args[2]) + " to " + args[3];
          Thread watch =
              new Thread(
                  () -> {
                    try {
                      bridge.awaitTermination();
                    } catch (InterruptedException e) {
                      return;
                    }
                    if (bridge.failure().isPresent()) {
                      log.error(
                          "changefeed bridge stopped by itself: {}",
                          bridge.failure().get().toString());
                      Runtime.getRuntime().halt(3);
                    }
                  },
                  "bridge-watch");
          watch.setDaemon(true);
          watch.start();
        }
        default -> {
          usage();
          return;
        }
      }
    } catch (RuntimeException e) {
      log.error("{} failed to start: {}", args[0], e.getMessage(), e);
      System.exit(1);
      return;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  log.info("{} stopping", args[0]);
                  try {
                    server.close();
                  } catch (Exception e) {
                    log.warn("{} did not stop cleanly: {}", args[0], e.toString());
                  }
                  log.info("{} stopped", args[0]);
                  stopped.countDown();
                },
                "chaos-server-shutdown"));
    log.info("{} {}", READY, what);
    System.out.flush();
    stopped.await();
  }

  private static void usage() {
    System.err.println(
        "usage: ChaosServer postgres <dataDir> <port> | kafka <dataDir> <port> <controllerPort>"
            + " <partitions> | bridge <dataDir> <jdbcUrl> <kafka> <partitions>");
    System.exit(2);
  }
}
