package io.stockflow.changefeed.consumer;

import static io.stockflow.changefeed.consumer.Envelopes.at;
import static io.stockflow.changefeed.consumer.Envelopes.change;
import static io.stockflow.changefeed.consumer.Envelopes.key;
import static io.stockflow.changefeed.consumer.Envelopes.keyString;
import static io.stockflow.changefeed.consumer.Envelopes.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.stockflow.testsupport.KafkaClients;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Crash test of the consumer <em>process</em>: the consumer runs in a child JVM ({@link
 * ConsumerProcessMain}) against the real embedded Kafka broker and PostgreSQL; it is killed with
 * SIGKILL in the middle of a stream of changes and a fresh one takes over. Every change must be
 * delivered at least once and every effect must happen exactly once.
 */
class ConsumerKillIT {
  private static final int CHANGES = 2000;
  private static final int KEYS = 16;
  private static final int PARTITIONS = 4;
  private static final long DELAY_MILLIS = 5;

  /** SIGKILL: a JVM killed by signal 9 reports 128 + 9. */
  private static final int KILLED_BY_SIGKILL = 137;

  @RegisterExtension static final ChangefeedStack stack = new ChangefeedStack();
  static Path logs;

  private final List<Process> children = new ArrayList<>();
  private final List<Path> childLogs = new ArrayList<>();

  @BeforeAll
  static void createTables() throws Exception {
    logs = Path.of(System.getProperty("basedir", ".")).resolve("target").resolve("consumer-kill");
    Files.createDirectories(logs);
    for (String prefix : List.of("", "fast_")) { // the slow and the fast subprocessor's lanes
      execute(
          "CREATE TABLE "
              + prefix
              + "attempts (id BIGSERIAL PRIMARY KEY, change_id TEXT NOT NULL,"
              + " pid BIGINT NOT NULL, at TIMESTAMPTZ NOT NULL DEFAULT now())");
      execute(
          "CREATE TABLE "
              + prefix
              + "effects (change_key TEXT NOT NULL, updated TEXT NOT NULL,"
              + " change_id TEXT NOT NULL, pid BIGINT NOT NULL,"
              + " at TIMESTAMPTZ NOT NULL DEFAULT now(), PRIMARY KEY (change_key, updated))");
    }
  }

  /**
   * Stops the surviving consumer with SIGTERM: its shutdown hook closes the processor, which leaves
   * the consumer group, so the group can be deleted after the class at once instead of after the
   * member's session timeout. SIGKILL only if it does not exit. Through its ProcessHandle: {@link
   * Process#destroy()} would also close the child's stdin, and at that end of file the child halts
   * before its shutdown hook has run.
   */
  @AfterEach
  void stopChildren() throws InterruptedException {
    for (Process p : children) {
      if (!p.isAlive()) continue;
      p.toHandle().destroy();
      if (p.waitFor(30, TimeUnit.SECONDS)) continue;
      p.destroyForcibly();
      p.waitFor(60, TimeUnit.SECONDS);
    }
  }

  @Test
  void killingTheConsumerProcessMidStreamLosesNoChangeAndDuplicatesNoEffect() throws Throwable {
    long started = System.nanoTime();
    String topic = stack.newTopic("kill", PARTITIONS);
    String group = "kill-" + UUID.randomUUID().toString().substring(0, 8);
    try {
      Process first = startConsumer(topic, group, 1);

      // The stream: N changes over KEYS keys, each key on one partition (as a changefeed keys its
      // messages), each change of a key with a newer `updated` than the one before.
      List<String> expected = new ArrayList<>();
      AtomicReference<Throwable> producerFailure = new AtomicReference<>();
      for (int i = 1; i <= CHANGES; i++) expected.add(changeId(i));
      Thread producer = new Thread(() -> produce(topic, producerFailure), "producer");
      producer.setDaemon(true); // never outlives a failed run
      producer.start();

      // Kill once a good part, but not all, of the stream is handled. 30 % is not a multiple of
      // the 500-record poll batch, so the kill most likely lands inside a batch: some of its
      // changes done, one perhaps delivered but without its effect yet, the rest not started, and
      // none of its offsets committed nor its fences advanced.
      waitUntil(
          Duration.ofMinutes(5),
          "30 % of the changes handled by the first consumer",
          () -> count("SELECT count(*) FROM effects") >= CHANGES * 3 / 10 || !first.isAlive());
      assertThat(first.isAlive()).as("first consumer still running before the kill").isTrue();
      long killedPid = first.pid();
      first.destroyForcibly();
      assertThat(first.waitFor(60, TimeUnit.SECONDS)).as("killed consumer exited").isTrue();
      assertThat(first.isAlive()).isFalse();
      assertThat(ProcessHandle.of(killedPid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
      assertThat(first.exitValue())
          .as("exit status of a SIGKILLed JVM")
          .isEqualTo(KILLED_BY_SIGKILL);
      long handledAtKill = count("SELECT count(*) FROM effects");
      long fastHandledAtKill = count("SELECT count(*) FROM fast_effects");
      long deliveredAtKill = count("SELECT count(DISTINCT change_id) FROM attempts");
      System.out.printf(
          "killed consumer pid %d with SIGKILL: %d of %d effects done, %d changes delivered%n",
          killedPid, handledAtKill, CHANGES, deliveredAtKill);
      System.out.printf(
          "lanes at the kill: slow subprocessor %d effects, fast subprocessor %d effects%n",
          handledAtKill, fastHandledAtKill);
      assertThat(handledAtKill).as("handled at kill time").isStrictlyBetween(0L, (long) CHANGES);

      Process second = startConsumer(topic, group, 2);
      waitUntil(
          Duration.ofMinutes(10),
          "every change handled after the restart",
          () ->
              (count("SELECT count(*) FROM effects") >= CHANGES
                      && count("SELECT count(*) FROM fast_effects") >= CHANGES)
                  || !second.isAlive());
      assertThat(second.isAlive()).as("second consumer still running").isTrue();
      producer.join(Duration.ofMinutes(2).toMillis());
      assertThat(producer.isAlive()).as("producer finished").isFalse();
      assertThat(producerFailure.get()).as("producer failure").isNull();

      // Every change delivered at least once ...
      Map<String, Long> attempts =
          countsBy("SELECT change_id, count(*) FROM attempts GROUP BY change_id");
      assertThat(attempts.keySet()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(attempts.values()).allMatch(n -> n >= 1);
      // ... and every effect exactly once, one row per change.
      assertThat(count("SELECT count(*) FROM effects")).isEqualTo(CHANGES);
      Map<String, Long> effects =
          countsBy("SELECT change_id, count(*) FROM effects GROUP BY change_id");
      assertThat(effects.keySet()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(effects.values()).allMatch(n -> n == 1);
      // The same holds for the fast lane, which stood elsewhere when the process died.
      Map<String, Long> fastAttempts =
          countsBy("SELECT change_id, count(*) FROM fast_attempts GROUP BY change_id");
      assertThat(fastAttempts.keySet()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(count("SELECT count(*) FROM fast_effects")).isEqualTo(CHANGES);
      Map<String, Long> fastEffects =
          countsBy("SELECT change_id, count(*) FROM fast_effects GROUP BY change_id");
      assertThat(fastEffects.keySet()).containsExactlyInAnyOrderElementsOf(expected);
      assertThat(fastEffects.values()).allMatch(n -> n == 1);
      // The replacement did part of the work, and nothing was given up on.
      assertThat(count("SELECT count(*) FROM effects WHERE pid = " + second.pid())).isPositive();
      assertThat(count("SELECT count(*) FROM dead_letters")).isZero();

      long totalAttempts = attempts.values().stream().mapToLong(Long::longValue).sum();
      long redelivered = attempts.values().stream().filter(n -> n > 1).count();
      System.out.printf(
          "consumer kill test: N=%d, handled at kill=%d, delivered at kill=%d, attempts=%d,"
              + " re-deliveries=%d (of %d changes), attempts by the killed consumer=%d, by its"
              + " replacement=%d, effects by the killed consumer=%d, by its replacement=%d,"
              + " run time=%.1f s%n",
          CHANGES,
          handledAtKill,
          deliveredAtKill,
          totalAttempts,
          totalAttempts - CHANGES,
          redelivered,
          count("SELECT count(*) FROM attempts WHERE pid = " + killedPid),
          count("SELECT count(*) FROM attempts WHERE pid = " + second.pid()),
          count("SELECT count(*) FROM effects WHERE pid = " + killedPid),
          count("SELECT count(*) FROM effects WHERE pid = " + second.pid()),
          (System.nanoTime() - started) / 1e9);
    } catch (Throwable t) {
      for (Path log : childLogs) {
        System.err.println("consumer process output: " + log.toAbsolutePath());
        System.err.println(tail(log, 40));
      }
      throw t;
    }
  }

  /** The id the subprocessor records for the {@code i}-th change (see {@link #produce}). */
  private static String changeId(int i) {
    int k = i % KEYS;
    return ConsumerProcessMain.changeId(keyString("SKU-" + k, "SEA1"), at(i).toString());
  }

  private static void produce(String topic, AtomicReference<Throwable> failure) {
    Properties p = KafkaClients.producer(stack.bootstrap());
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true"); // keeps per-partition order on retry
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p)) {
      long[] qty = new long[KEYS];
      List<Future<RecordMetadata>> sent = new ArrayList<>();
      for (int i = 1; i <= CHANGES; i++) {
        int k = i % KEYS;
        String sku = "SKU-" + k;
        String before = qty[k] == 0 ? "null" : row(sku, "SEA1", qty[k], "", at(i - KEYS));
        qty[k]++;
        String after = row(sku, "SEA1", qty[k], "", at(i));
        sent.add(
            producer.send(
                new ProducerRecord<>(
                    topic,
                    k % PARTITIONS,
                    key(sku, "SEA1").getBytes(StandardCharsets.UTF_8),
                    change(after, before, at(i)).getBytes(StandardCharsets.UTF_8))));
        if (i % 100 == 0) producer.flush(); // a stream, not one burst
      }
      producer.flush();
      for (Future<RecordMetadata> f : sent) f.get(60, TimeUnit.SECONDS);
    } catch (Throwable t) {
      failure.set(t);
    }
  }

  /** Starts {@link ConsumerProcessMain} in a child JVM with the test classpath. */
  private Process startConsumer(String topic, String group, int n) throws IOException {
    String java =
        ProcessHandle.current()
            .info()
            .command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Failsafe may boot the test JVM from a manifest-only jar, but it sets java.class.path to the
    // real test classpath; fall back to its own property should that ever change.
    String classpath = System.getProperty("java.class.path");
    if (!classpath.contains("test-classes"))
      classpath = System.getProperty("surefire.test.class.path", classpath);
    assertThat(classpath).as("test classpath").contains("test-classes");
    // An argument file keeps a long classpath off the command line.
    Path argFile = logs.resolve("consumer-" + n + ".args");
    Files.writeString(
        argFile, "-cp \"" + classpath.replace("\\", "\\\\") + "\"\n", StandardCharsets.UTF_8);
    Path log = logs.resolve("consumer-" + n + ".log");
    Files.deleteIfExists(log);
    childLogs.add(log);
    // On a 2-core machine the C1 compiler and the serial collector start the child in less CPU
    // than C2 and G1's background threads, which compete with the test JVM and the other child.
    ProcessBuilder pb =
        new ProcessBuilder(
            java,
            "-Xmx256m",
            "-XX:TieredStopAtLevel=1",
            "-XX:+UseSerialGC",
            "@" + argFile.toAbsolutePath(),
            ConsumerProcessMain.class.getName(),
            stack.jdbcUrl(),
            stack.bootstrap(),
            topic,
            group,
            Long.toString(DELAY_MILLIS));
    pb.redirectErrorStream(true);
    pb.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
    // stdin stays a pipe: the child exits when it reaches end of file, i.e. when this JVM dies.
    Process p = pb.start();
    children.add(p);
    System.out.printf("started consumer %d, pid %d, output in %s%n", n, p.pid(), log);
    return p;
  }

  private static void waitUntil(Duration atMost, String what, BooleanSupplier condition) {
    await(what).atMost(atMost).pollInterval(Duration.ofMillis(20)).until(condition::getAsBoolean);
  }

  private static void execute(String sql) throws SQLException {
    try (Connection c = stack.dataSource().getConnection();
        Statement s = c.createStatement()) {
      s.execute(sql);
    }
  }

  private static long count(String sql) {
    try (Connection c = stack.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException e) {
      throw new IllegalStateException(sql, e);
    }
  }

  private static Map<String, Long> countsBy(String sql) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (Connection c = stack.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery(sql)) {
      while (rs.next()) out.put(rs.getString(1), rs.getLong(2));
    }
    return out;
  }

  private static String tail(Path log, int lines) {
    try {
      List<String> all = Files.readAllLines(log, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (IOException e) {
      return "(cannot read " + log + ": " + e.getMessage() + ")";
    }
  }
}
