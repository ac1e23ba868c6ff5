package io.stockflow.platform;

import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.consumer.ChangefeedTables;
import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.CockroachChangefeedSql;
import io.stockflow.db.changefeed.CockroachChangefeedSql.SinkOptions;
import io.stockflow.db.changefeed.WatchedTable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps CockroachDB's changefeed into Kafka running without ever skipping a change:
 *
 * <ul>
 *   <li>a running job is left alone, a paused one (our feeds use {@code on_error='pause'}) resumed;
 *   <li>when no job runs (it failed, or someone cancelled it), a new one starts with {@code cursor}
 *       at the consumed high-water mark the consumers stored ({@link
 *       ChangefeedTables#consumedMark}), else at the last job's high-water mark: every change after
 *       it is emitted again, the consumers' fences absorb the repeats. Only the very first feed
 *       starts from now;
 *   <li>the topics are created first with the declared partitions (CockroachDB would create them
 *       with the broker's default), and the feed waits for all in-sync replicas ({@code
 *       RequiredAcks: ALL}) and protects its data from garbage collection while paused ({@code
 *       gc_protect_expires_after}).
 * </ul>
 *
 * Safe to run on every start and from several processes (a duplicate feed would only duplicate
 * messages, which the consumer's HLC fence absorbs).
 */
public final class CockroachChangefeed {
  private static final Logger log = LoggerFactory.getLogger(CockroachChangefeed.class);

  private CockroachChangefeed() {}

  /** A changefeed job to our sink, as {@code SHOW CHANGEFEED JOBS} lists it. */
  public record Job(long id, String status, String highWater) {}

  /** What {@link #ensure} does. */
  public sealed interface Plan {
    record Keep(long job) implements Plan {}

    record Resume(long job) implements Plan {}

    /**
     * @param why one line for the log
     */
    record Create(String sql, String why) implements Plan {}
  }

  /**
   * Decides from the jobs to this sink (newest first) and the consumed mark.
   *
   * @param consumed the feed's consumed high-water mark, if every partition has one
   */
  public static Plan plan(
      List<Job> jobs,
      Optional<Hlc> consumed,
      ChangefeedDeclaration feed,
      String kafkaAsSeenByCockroach,
      SinkOptions options) {
    for (Job j : jobs) if ("running".equals(j.status())) return new Plan.Keep(j.id());
    for (Job j : jobs)
      if ("paused".equals(j.status()) || "pause-requested".equals(j.status()))
        return new Plan.Resume(j.id());
    if (consumed.isPresent())
      return new Plan.Create(
          CockroachChangefeedSql.createChangefeedFrom(
              feed, kafkaAsSeenByCockroach, options, consumed.get().toString()),
          "from the consumed high-water mark " + consumed.get());
    for (Job j : jobs)
      if (j.highWater() != null && !j.highWater().isBlank())
        return new Plan.Create(
            CockroachChangefeedSql.createChangefeedFrom(
                feed, kafkaAsSeenByCockroach, options, j.highWater()),
            "from the high-water mark "
                + j.highWater()
                + " of job "
                + j.id()
                + " ("
                + j.status()
                + ")");
    if (!jobs.isEmpty())
      // An earlier job ended before its first checkpoint: nothing is known to have been delivered,
      // so the current rows are emitted once.
      return new Plan.Create(
          CockroachChangefeedSql.createChangefeed(
              feed.withInitialScan(true), kafkaAsSeenByCockroach, options),
          "with an initial scan: job " + jobs.get(0).id() + " ended before its first checkpoint");
    return new Plan.Create(
        CockroachChangefeedSql.createChangefeed(feed, kafkaAsSeenByCockroach, options),
        "as the first feed to this sink");
  }

  /**
   * @param kafkaAsSeenByCockroach host:port of Kafka as the CockroachDB nodes reach it (may differ
   *     from this process's bootstrap address, e.g. inside a container network)
   * @param groupId the consumer group whose consumed mark a recreated feed starts from
   * @return the changefeed job id
   */
  public static long ensure(
      DataSource ds,
      Admin kafka,
      ChangefeedDeclaration feed,
      String kafkaAsSeenByCockroach,
      SinkOptions options,
      String groupId)
      throws SQLException {
    ensureTopics(kafka, feed);
    try (Connection c = ds.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute(CockroachChangefeedSql.enableRangefeeds());
      } catch (SQLException e) {
        // Managed clusters have rangefeeds on and refuse the setting; a real problem shows up at
        // CREATE below.
        log.debug("could not set kv.rangefeed.enabled ({}); assuming it is on", e.getMessage());
      }
      Map<String, Integer> partitions = new LinkedHashMap<>();
      for (WatchedTable t : feed.tables()) partitions.put(t.topic(), feed.partitions());
      Optional<Hlc> consumed =
          ChangefeedTables.consumedMark(new Transactions(Database.dsl(ds)), groupId, partitions);
      Plan plan =
          plan(jobs(c, kafkaAsSeenByCockroach), consumed, feed, kafkaAsSeenByCockroach, options);
      if (plan instanceof Plan.Keep k) {
        log.info("changefeed job {} already running", k.job());
        return k.job();
      }
      if (plan instanceof Plan.Resume r) {
        try (Statement s = c.createStatement()) {
          s.execute("RESUME JOB " + r.job());
        }
        log.info("changefeed job {} was paused; resumed", r.job());
        return r.job();
      }
      Plan.Create create = (Plan.Create) plan;
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(create.sql())) {
        rs.next();
        long job = rs.getLong(1);
        log.info(
            "changefeed job {} created {}: {}",
            job,
            create.why(),
            CockroachChangefeedSql.redacted(create.sql()));
        return job;
      } catch (SQLException e) {
        if (String.valueOf(e.getMessage()).contains("GC threshold"))
          throw new SQLException(
              "cannot recreate the changefeed "
                  + create.why()
                  + ": CockroachDB has already garbage-collected the changes after it, so they"
                  + " cannot be emitted again. Re-sync by hand: CREATE the feed with initial_scan"
                  + " = 'yes' (every current row is emitted once; the versions in between are"
                  + " lost), and raise gc.ttlseconds or gc_protect_expires_after so it cannot"
                  + " happen again. Statement: "
                  + CockroachChangefeedSql.redacted(create.sql()),
              e.getSQLState(),
              e);
        throw e;
      }
    }
  }

  private static List<Job> jobs(Connection c, String kafkaAsSeenByCockroach) throws SQLException {
    List<Job> jobs = new ArrayList<>();
    try (PreparedStatement q =
        c.prepareStatement(
            "SELECT job_id, status, high_water_timestamp::STRING FROM [SHOW CHANGEFEED JOBS]"
                + " WHERE sink_uri = ? OR sink_uri LIKE ? ORDER BY created DESC")) {
      String uri = "kafka://" + kafkaAsSeenByCockroach;
      q.setString(1, uri);
      q.setString(2, uri + "?%");
      try (ResultSet rs = q.executeQuery()) {
        while (rs.next()) jobs.add(new Job(rs.getLong(1), rs.getString(2), rs.getString(3)));
      }
    }
    return jobs;
  }

  /**
   * Creates the feed's topics that do not exist yet, with the declared partitions and up to 3
   * replicas (fewer on a smaller cluster).
   */
  static void ensureTopics(Admin kafka, ChangefeedDeclaration feed) {
    try {
      Set<String> existing = kafka.listTopics().names().get(30, TimeUnit.SECONDS);
      int brokers = kafka.describeCluster().nodes().get(30, TimeUnit.SECONDS).size();
      short replicas = (short) Math.max(1, Math.min(3, brokers));
      List<NewTopic> missing = new ArrayList<>();
      for (WatchedTable t : feed.tables())
        if (!existing.contains(t.topic()))
          missing.add(new NewTopic(t.topic(), feed.partitions(), replicas));
      if (missing.isEmpty()) return;
      kafka.createTopics(missing).all().get(30, TimeUnit.SECONDS);
      log.info(
          "created topics {} with {} partitions and {} replicas",
          missing.stream().map(NewTopic::name).toList(),
          feed.partitions(),
          replicas);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof org.apache.kafka.common.errors.TopicExistsException) return;
      throw new IllegalStateException("could not create the changefeed topics", e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException("Kafka did not answer within 30 s creating topics", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topics", e);
    }
  }
}
