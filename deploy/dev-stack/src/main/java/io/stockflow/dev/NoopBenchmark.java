package io.stockflow.dev;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.consumer.ChangefeedConfig;
import io.stockflow.changefeed.consumer.ChangefeedProcessor;
import io.stockflow.platform.ChangefeedConfiguration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * {@code bench pipeline --noop}: the consumer framework's own cost. Fills {@code inventory_levels}
 * with real changefeed messages (multi-row SQL updates through the bridge), then reads the same
 * records to the end, alternately, with
 *
 * <ol>
 *   <li>a plain {@link KafkaConsumer} — byte[] values, {@code commitSync} after every poll, a group
 *       of its own from the earliest offset: the floor any Kafka consumer pays; and
 *   <li>a {@link ChangefeedProcessor} configured like the platform's ({@code ConsumerFactory}: its
 *       retry policy and concurrency), a group of its own, with one subprocessor that accepts
 *       everything and does nothing: decoding, fences, dispatch, metrics and commits, no work.
 * </ol>
 *
 * Each is timed from its construction until its group has committed the end offsets taken before
 * the rounds began (joining the group is part of both). The machine is shared and noisy, so each
 * runs {@code --rounds} times and the best of each counts.
 */
final class NoopBenchmark {
  private static final long RUN_TIMEOUT_SECONDS = 600;

  private final DevStack stack;
  private final PipelineBenchmark.Options o;
  private final TopicOffsets offsets;
  private final String id = UUID.randomUUID().toString().substring(0, 8);

  NoopBenchmark(DevStack stack, PipelineBenchmark.Options o, TopicOffsets offsets) {
    this.stack = stack;
    this.o = o;
    this.offsets = offsets;
  }

  int run() throws Exception {
    // The platform's own consumer would react to every fill write (and Temporal with it) and take
    // the CPU the measured consumers need; it is not under test here.
    stack.platform().getBean(ChangefeedProcessor.class).close();
    Map<TopicPartition, Long> target = fill();
    long records = TopicOffsets.sum(target) - TopicOffsets.sum(offsets.beginning());
    System.out.printf(
        "[bench] %s holds %d records in %d partitions; reading them %d times each way%n",
        PipelineBenchmark.TOPIC, records, target.size(), o.rounds());

    List<Double> raw = new ArrayList<>(), framework = new ArrayList<>();
    for (int round = 1; round <= o.rounds(); round++) {
      double r = records / plainConsumer(round, target);
      raw.add(r);
      double f = records / noopProcessor(round, target);
      framework.add(f);
      System.out.printf(
          Locale.ROOT,
          "[bench] round %d: plain KafkaConsumer %.0f records/s, ChangefeedProcessor (no-op) %.0f records/s%n",
          round,
          r,
          f);
    }
    double bestRaw = raw.stream().mapToDouble(Double::doubleValue).max().orElseThrow();
    double bestFramework = framework.stream().mapToDouble(Double::doubleValue).max().orElseThrow();

    System.out.println();
    System.out.println("## Consumer framework overhead (--noop)");
    System.out.printf(
        "command: ./stockflow bench pipeline --noop --records %d --rounds %d --skus %d%n",
        o.records(), o.rounds(), o.skus());
    PipelineBenchmark.machine();
    System.out.printf(
        "%d records of %s (real changefeed messages, %d partitions), read to the end from the"
            + " earliest offset by a new group each time%n%n",
        records, PipelineBenchmark.TOPIC, target.size());
    StringBuilder head = new StringBuilder("| consumer |");
    StringBuilder rule = new StringBuilder("|---|");
    for (int i = 1; i <= o.rounds(); i++) {
      head.append(" round ").append(i).append(" |");
      rule.append("---|");
    }
    System.out.println(head + " best |");
    System.out.println(rule + "---|");
    row("plain KafkaConsumer, commitSync per poll", raw, bestRaw);
    row("ChangefeedProcessor, one no-op subprocessor", framework, bestFramework);
    System.out.printf(
        Locale.ROOT,
        "%nframework / raw (best of each): %.2f — the framework reads at %.0f %% of the plain"
            + " consumer's rate%n",
        bestFramework / bestRaw,
        100 * bestFramework / bestRaw);
    return PipelineBenchmark.EXIT_OK;
  }

  private static void row(String name, List<Double> rates, double best) {
    StringBuilder b = new StringBuilder("| ").append(name).append(" |");
    for (double r : rates) b.append(String.format(Locale.ROOT, " %.0f/s |", r));
    System.out.println(b + String.format(Locale.ROOT, " %.0f/s |", best));
  }

  /**
   * Seeds {@code --skus} × 3 rows, then updates them all at once, repeatedly, until about {@code
   * --records} changes are written: each statement is one transaction of many row changes, so the
   * fill is quick and the messages are exactly what the bridge publishes for any write. Returns the
   * topic's end offsets once the bridge has published them all.
   */
  private Map<TopicPartition, Long> fill() throws Exception {
    long before = TopicOffsets.sum(offsets.end());
    PipelineBenchmark.seed(stack.jdbcUrl(), o.skus());
    long rows = o.skus() * 3L;
    long statements = Math.max(1, (o.records() - rows + rows - 1) / rows);
    long t0 = System.nanoTime();
    long changed = 0;
    try (Connection c = DriverManager.getConnection(stack.jdbcUrl());
        PreparedStatement up =
            c.prepareStatement(
                "UPDATE inventory_levels SET on_hand = on_hand + 1 WHERE sku LIKE ?")) {
      up.setString(1, PipelineBenchmark.PREFIX + "%");
      for (long i = 0; i < statements; i++) changed += up.executeUpdate();
    }
    long expected = before + rows + changed;
    System.out.printf(
        Locale.ROOT,
        "[bench] wrote %d changes (%d rows seeded, %d updates of %d rows) in %.1f s; waiting for"
            + " the bridge to publish them%n",
        rows + changed,
        rows,
        statements,
        rows,
        (System.nanoTime() - t0) / 1e9);
    // The bridge publishes asynchronously; resolved markers also land in the topic, so wait for
    // at least the expected count and then until only markers (≤ one per partition) still arrive.
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS);
    long last = -1;
    while (true) {
      if (System.nanoTime() > deadline)
        throw new IllegalStateException(
            "the bridge did not publish the fill within " + RUN_TIMEOUT_SECONDS + " s");
      Map<TopicPartition, Long> end = offsets.end();
      long now = TopicOffsets.sum(end);
      if (now >= expected && last >= 0 && now - last <= end.size()) return end;
      if (now >= expected) last = now;
      TimeUnit.SECONDS.sleep(1);
    }
  }

  /** Seconds a plain consumer takes to read (and commit) up to {@code target}. */
  private double plainConsumer(int round, Map<TopicPartition, Long> target) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.kafkaBootstrap());
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "bench-raw-" + id + "-" + round);
    p.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // The same batch size as the framework is configured with, so both make as many round trips.
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, Integer.toString(config(round).maxPollRecords()));
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS);
    long bytes = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(p)) {
      consumer.subscribe(List.of(PipelineBenchmark.TOPIC));
      while (!atTarget(consumer, target)) {
        if (System.nanoTime() > deadline)
          throw new IllegalStateException("plain consumer did not reach the end in time");
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(500));
        // Touch every value, as any consumer must at least look at what it got.
        for (ConsumerRecord<byte[], byte[]> r : records) bytes += r.value() == null ? 0 : 1;
        if (!records.isEmpty()) consumer.commitSync();
      }
    }
    if (bytes < 0) throw new AssertionError(); // keeps the loop's reads observable
    return (System.nanoTime() - start) / 1e9;
  }

  private static boolean atTarget(
      KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> target) {
    if (!consumer.assignment().containsAll(target.keySet())) return false;
    for (var e : target.entrySet()) if (consumer.position(e.getKey()) < e.getValue()) return false;
    return true;
  }

  /** Seconds a ChangefeedProcessor with one no-op subprocessor takes to commit {@code target}. */
  private double noopProcessor(int round, Map<TopicPartition, Long> target) throws Exception {
    ChangefeedConfig config = config(round);
    LongAdder handled = new LongAdder();
    long start = System.nanoTime();
    long deadline = start + TimeUnit.SECONDS.toNanos(RUN_TIMEOUT_SECONDS);
    double secs;
    // Its own meter registry: the platform's gauges and counters must not mix with these.
    try (ChangefeedProcessor p =
        new ChangefeedProcessor(
            config, stack.platform().getBean(DataSource.class), new SimpleMeterRegistry())) {
      p.addHandledListener((topic, subprocessor, updated, at) -> handled.increment());
      p.start();
      // Committed offsets are the completion signal the framework gives any consumer group;
      // asking every 50 ms costs the broker little and bounds the timing error to that.
      while (!offsets.reached(config.groupId(), target)) {
        if (System.nanoTime() > deadline)
          throw new IllegalStateException(
              "ChangefeedProcessor did not reach the end in time (" + handled.sum() + " handled)");
        TimeUnit.MILLISECONDS.sleep(50);
      }
      secs = (System.nanoTime() - start) / 1e9;
    }
    System.out.printf(
        "[bench] round %d: the no-op subprocessor was called %d times%n", round, handled.sum());
    return secs;
  }

  /**
   * Built as {@code ConsumerFactory} builds the platform's, with a group and subprocessor name of
   * its own: fences are keyed by subprocessor name, so a fresh name makes every change new again.
   */
  private ChangefeedConfig config(int round) {
    String name = "bench-noop-" + id + "-" + round;
    return stack
        .platform()
        .getBean(ChangefeedConfiguration.class)
        .applyTo(ChangefeedConfig.builder())
        .groupId(name) // after applyTo, which sets the platform's group
        .bootstrapServers(stack.kafkaBootstrap())
        .topic(PipelineBenchmark.TOPIC, List.of(new Noop(name)))
        .consumerProperty(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest")
        .build();
  }

  /** Accepts every change and does nothing with it. */
  private record Noop(String name) implements Subprocessor {
    @Override
    public boolean shouldProcess(ChangeEvent event) {
      return true;
    }

    @Override
    public void process(ChangeEvent event) {}
  }
}
