package io.stockflow.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Properties;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Apache Kafka broker in KRaft mode (combined broker + controller, one node), running in
 * this JVM from the Maven Central jars. The log directory is formatted once and reused on restart,
 * so topics and committed offsets survive.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final KafkaRaftServer server;
  private final int port;

  private EmbeddedKafkaBroker(KafkaRaftServer server, int port) {
    this.server = server;
    this.port = port;
  }

  /**
   * Starts the broker on 127.0.0.1:{@code port} (clients) and {@code controllerPort} (KRaft
   * quorum), with its log under {@code dataDir}.
   *
   * @param partitions default partition count of auto-created topics
   */
  public static EmbeddedKafkaBroker start(
      Path dataDir, int port, int controllerPort, int partitions) {
    return start(dataDir, port, controllerPort, partitions, true);
  }

  /**
   * As {@link #start(Path, int, int, int)} for a test broker, whose log no operating-system crash
   * has to survive: messages are not flushed to disk one by one (Kafka's default, the page cache
   * keeps them across a restart of this JVM).
   */
  public static EmbeddedKafkaBroker startForTests(
      Path dataDir, int port, int controllerPort, int partitions) {
    return start(dataDir, port, controllerPort, partitions, false);
  }

  private static EmbeddedKafkaBroker start(
      Path dataDir, int port, int controllerPort, int partitions, boolean flushEachMessage) {
    Ports.requireFree("Kafka", port, "STOCKFLOW_KAFKA_PORT");
    Ports.requireFree("Kafka controller", controllerPort, "STOCKFLOW_KAFKA_CONTROLLER_PORT");
    try {
      Files.createDirectories(dataDir);
      Path propsFile = dataDir.resolve("server.properties");
      Properties props = config(dataDir, port, controllerPort, partitions);
      if (!flushEachMessage) props.remove("log.flush.interval.messages");
      try (OutputStream out = Files.newOutputStream(propsFile)) {
        props.store(out, "written by stockflow's EmbeddedKafkaBroker");
      }
      if (!Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) format(propsFile);
      KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props), Time.SYSTEM);
      server.startup();
      if (!Ports.awaitListening(port, Duration.ofSeconds(60))) {
        server.shutdown();
        throw new StartupException(
            "Kafka", "broker did not listen on port " + port + " within 60 s", "see the log above");
      }
      return new EmbeddedKafkaBroker(server, port);
    } catch (IOException e) {
      throw new StartupException(
          "Kafka", "failed to start (" + e.getMessage() + ")", "start fresh with --fresh", e);
    }
  }

  private static Properties config(Path dataDir, int port, int controllerPort, int partitions) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@" + Ports.LOOPBACK + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://"
            + Ports.LOOPBACK
            + ":"
            + port
            + ",CONTROLLER://"
            + Ports.LOOPBACK
            + ":"
            + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + Ports.LOOPBACK + ":" + port);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("log.dirs", dataDir.resolve("logs").toAbsolutePath().toString());
    p.put("num.partitions", Integer.toString(partitions));
    p.put("auto.create.topics.enable", "true");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // After a kill -9 the restarted controller still holds the dead incarnation's registration and
    // refuses the new one until that broker's session expires (default 9 s): a crashed dev stack's
    // Kafka took ~15 s instead of ~5 s to serve again. The broker heartbeats its own controller
    // over loopback, in the same JVM, so a short session costs nothing.
    p.put("broker.heartbeat.interval.ms", "500");
    p.put("broker.session.timeout.ms", "3000");
    p.put("log.flush.interval.messages", "1");
    p.put("log.segment.bytes", Integer.toString(64 * 1024 * 1024));
    p.put("log.retention.hours", "168");
    return p;
  }

  private static void format(Path propsFile) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    String[] args = {
      "format",
      "--config",
      propsFile.toString(),
      "--cluster-id",
      Uuid.randomUuid().toString(),
      "--ignore-formatted"
    };
    int rc = StorageTool.execute(args, new PrintStream(buf, true, StandardCharsets.UTF_8));
    if (rc != 0)
      throw new StartupException(
          "Kafka",
          "formatting the KRaft storage failed: " + buf.toString(StandardCharsets.UTF_8).trim(),
          "start fresh with --fresh");
    log.debug("formatted KRaft storage: {}", buf.toString(StandardCharsets.UTF_8).trim());
  }

  public int port() {
    return port;
  }

  public String bootstrapServers() {
    return Ports.LOOPBACK + ":" + port;
  }

  @Override
  public void close() {
    server.shutdown();
    server.awaitShutdown();
  }
}
