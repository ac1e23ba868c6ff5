package io.stockflow.changefeed.consumer;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import java.io.IOException;
import java.io.InputStream;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.List;
import javax.sql.DataSource;

/**
 * The consumer as its own JVM, for {@link ConsumerKillIT}: one {@link ChangefeedProcessor} on one
 * topic with one subprocessor whose effect is a database write. It runs until it is killed (or
 * stopped with SIGTERM, which closes the processor), or until its parent goes away (stdin reaches
 * end of file), so an aborted test run never leaves it behind.
 *
 * <p>Arguments: {@code jdbcUrl bootstrapServers topic groupId delayMillis}.
 */
public final class ConsumerProcessMain {
  /** The slow subprocessor's name (it keys the fences and dead letters); tables without prefix. */
  static final String SUBPROCESSOR = "effects";

  /**
   * A second subprocessor without the delay, on its own lane, writing to {@code fast_attempts} and
   * {@code fast_effects}: at the kill the two lanes stand at different offsets.
   */
  static final String FAST_SUBPROCESSOR = "fast-effects";

  private ConsumerProcessMain() {}

  public static void main(String[] args) throws Exception {
    if (args.length != 5)
      throw new IllegalArgumentException(
          "usage: ConsumerProcessMain jdbcUrl bootstrapServers topic groupId delayMillis");
    String jdbcUrl = args[0];
    String bootstrap = args[1];
    String topic = args[2];
    String group = args[3];
    long delayMillis = Long.parseLong(args[4]);
    long pid = ProcessHandle.current().pid();

    exitWhenTheParentIsGone();

    HikariConfig cfg = new HikariConfig();
    cfg.setJdbcUrl(jdbcUrl);
    // Each subprocessor runs up to 8 keys at once, plus fences and control.
    cfg.setMaximumPoolSize(20);
    cfg.setPoolName("consumer-" + pid);
    HikariDataSource dataSource = new HikariDataSource(cfg);

    ChangefeedConfig config =
        ChangefeedConfig.builder()
            .bootstrapServers(bootstrap)
            .groupId(group)
            .topic(
                topic,
                List.of(
                    new EffectSubprocessor(SUBPROCESSOR, "", dataSource, delayMillis, pid),
                    new EffectSubprocessor(FAST_SUBPROCESSOR, "fast_", dataSource, 0, pid)))
            .pollTimeout(Duration.ofMillis(200))
            // A killed member never says goodbye: the group waits out its session before the
            // partitions move to the replacement. Keep that short (the broker's minimum is 6 s).
            .consumerProperty("session.timeout.ms", "10000")
            .consumerProperty("heartbeat.interval.ms", "1000")
            .build();
    ChangefeedProcessor processor =
        new ChangefeedProcessor(config, dataSource, new SimpleMeterRegistry());
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  processor.close();
                  dataSource.close();
                },
                "consumer-shutdown"));
    processor.start();
    System.out.println("CONSUMER STARTED pid=" + pid);
    System.out.flush();
    Thread.currentThread().join(); // until killed
  }

  /** The parent holds our stdin open; end of file means it died without cleaning up. */
  private static void exitWhenTheParentIsGone() {
    Thread watchdog =
        new Thread(
            () -> {
              try (InputStream in = System.in) {
                while (in.read() != -1) {
                  // ignore whatever the parent writes
                }
              } catch (IOException ignored) {
                // treat like end of file
              }
              System.out.println("parent is gone; exiting");
              Runtime.getRuntime().halt(3);
            },
            "parent-watchdog");
    watchdog.setDaemon(true);
    watchdog.start();
  }

  /**
   * Records every delivery in {@code attempts} (at-least-once, so duplicates are expected) and
   * performs its effect idempotently: one {@code effects} row per change, keyed by (key, updated),
   * as real subprocessors key workflow IDs and idempotency keys. The pause between the two writes
   * lets a kill land between a delivery and its effect.
   */
  static final class EffectSubprocessor implements Subprocessor {
    private final String name;
    private final String tablePrefix;
    private final DataSource dataSource;
    private final long delayMillis;
    private final long pid;

    EffectSubprocessor(
        String name, String tablePrefix, DataSource dataSource, long delayMillis, long pid) {
      this.name = name;
      this.tablePrefix = tablePrefix;
      this.dataSource = dataSource;
      this.delayMillis = delayMillis;
      this.pid = pid;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public boolean shouldProcess(ChangeEvent event) {
      return true;
    }

    @Override
    public void process(ChangeEvent event) throws Exception {
      String key = event.keyString();
      String updated = event.updated().toString();
      try (Connection c = dataSource.getConnection()) {
        c.setAutoCommit(true);
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO " + tablePrefix + "attempts (change_id, pid) VALUES (?, ?)")) {
          s.setString(1, changeId(key, updated));
          s.setLong(2, pid);
          s.executeUpdate();
        }
        if (delayMillis > 0) Thread.sleep(delayMillis);
        try (PreparedStatement s =
            c.prepareStatement(
                "INSERT INTO "
                    + tablePrefix
                    + "effects (change_key, updated, change_id, pid) VALUES (?, ?, ?, ?)"
                    + " ON CONFLICT (change_key, updated) DO NOTHING")) {
          s.setString(1, key);
          s.setString(2, updated);
          s.setString(3, changeId(key, updated));
          s.setLong(4, pid);
          s.executeUpdate();
        }
      }
    }
  }

  /** One change's identity: its key and its commit timestamp. */
  static String changeId(String key, String updated) {
    return key + "@" + updated;
  }
}
