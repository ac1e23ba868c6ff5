package io.stockflow.platform;

import io.stockflow.db.changefeed.ChangefeedDeclaration;
import io.stockflow.db.changefeed.CockroachChangefeedSql;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes sure CockroachDB runs the declared changefeed into Kafka: creates it when no changefeed job
 * to that sink exists, resumes it when it is paused (our feeds use {@code on_error='pause'}),
 * leaves a running one alone. Safe to run on every start and from several processes (a duplicate
 * feed would only duplicate messages, which the consumer's HLC fence absorbs).
 */
public final class CockroachChangefeed {
  private static final Logger log = LoggerFactory.getLogger(CockroachChangefeed.class);

  private CockroachChangefeed() {}

  /**
   * @param kafkaAsSeenByCockroach host:port of Kafka as the CockroachDB nodes reach it (may differ
   *     from this process's bootstrap address, e.g. inside a container network)
   * @return the changefeed job id
   */
  public static long ensure(
      DataSource ds, ChangefeedDeclaration feed, String kafkaAsSeenByCockroach)
      throws SQLException {
    try (Connection c = ds.getConnection()) {
      try (Statement s = c.createStatement()) {
        s.execute(CockroachChangefeedSql.enableRangefeeds());
      } catch (SQLException e) {
        // Managed clusters have rangefeeds on and refuse the setting; a real problem shows up at
        // CREATE below.
        log.debug("could not set kv.rangefeed.enabled ({}); assuming it is on", e.getMessage());
      }
      try (PreparedStatement q =
          c.prepareStatement(
              "SELECT job_id, status FROM [SHOW CHANGEFEED JOBS] WHERE sink_uri LIKE ? AND status IN ('running', 'paused')"
                  + " ORDER BY created DESC LIMIT 1")) {
        q.setString(1, "kafka://" + kafkaAsSeenByCockroach + "%");
        try (ResultSet rs = q.executeQuery()) {
          if (rs.next()) {
            long job = rs.getLong(1);
            if ("paused".equals(rs.getString(2))) {
              try (Statement s = c.createStatement()) {
                s.execute("RESUME JOB " + job);
              }
              log.info("changefeed job {} was paused; resumed", job);
            } else {
              log.info("changefeed job {} already running", job);
            }
            return job;
          }
        }
      }
      String sql = CockroachChangefeedSql.createChangefeed(feed, kafkaAsSeenByCockroach);
      try (Statement s = c.createStatement();
          ResultSet rs = s.executeQuery(sql)) {
        rs.next();
        long job = rs.getLong(1);
        log.info("changefeed job {} created: {}", job, sql);
        return job;
      }
    }
  }
}
