package io.stockflow.platform;

import io.micronaut.context.annotation.ConfigurationProperties;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * {@code stockflow.changefeed.*}: which subprocessors react to which table (one line per table) and
 * how the consumers behave.
 */
@ConfigurationProperties("stockflow.changefeed")
public class ChangefeedSettings {
  /** Table (= topic) → subprocessor names, in order. */
  private Map<String, List<String>> tables = Map.of();

  /** Consumer group: instances with the same group share the partitions. */
  private String groupId = "stockflow";

  /** Attempts per subprocessor and message before it is dead-lettered. */
  private int retryAttempts = 3;

  private Duration retryInitialBackoff = Duration.ofMillis(100);
  private Duration retryMaxBackoff = Duration.ofSeconds(1);

  /**
   * How many keys of a batch each subprocessor handles at once (one key's changes always in order);
   * 1 handles the batch one change after another.
   */
  private int subprocessorConcurrency = 8;

  /**
   * Records one subprocessor's lane may hold (consumed, not yet handled) before the topic's
   * consumer stops fetching until every lane is back under half.
   */
  private int laneCapacity = 10_000;

  /** The most records a lane handles as one batch (a lane that fell behind catches up faster). */
  private int laneBatchRecords = 2_000;

  /** Longest pause between retries of a lane whose dependency (Temporal, database) is down. */
  private Duration outageBackoff = Duration.ofSeconds(30);

  public int getLaneCapacity() {
    return laneCapacity;
  }

  public void setLaneCapacity(int laneCapacity) {
    this.laneCapacity = laneCapacity;
  }

  public int getLaneBatchRecords() {
    return laneBatchRecords;
  }

  public void setLaneBatchRecords(int laneBatchRecords) {
    this.laneBatchRecords = laneBatchRecords;
  }

  public Duration getOutageBackoff() {
    return outageBackoff;
  }

  public void setOutageBackoff(Duration outageBackoff) {
    this.outageBackoff = outageBackoff;
  }

  public int getSubprocessorConcurrency() {
    return subprocessorConcurrency;
  }

  public void setSubprocessorConcurrency(int subprocessorConcurrency) {
    this.subprocessorConcurrency = subprocessorConcurrency;
  }

  public Map<String, List<String>> getTables() {
    return tables;
  }

  public void setTables(Map<String, List<String>> tables) {
    this.tables = tables;
  }

  public String getGroupId() {
    return groupId;
  }

  public void setGroupId(String groupId) {
    this.groupId = groupId;
  }

  public int getRetryAttempts() {
    return retryAttempts;
  }

  public void setRetryAttempts(int retryAttempts) {
    this.retryAttempts = retryAttempts;
  }

  public Duration getRetryInitialBackoff() {
    return retryInitialBackoff;
  }

  public void setRetryInitialBackoff(Duration retryInitialBackoff) {
    this.retryInitialBackoff = retryInitialBackoff;
  }

  public Duration getRetryMaxBackoff() {
    return retryMaxBackoff;
  }

  public void setRetryMaxBackoff(Duration retryMaxBackoff) {
    this.retryMaxBackoff = retryMaxBackoff;
  }
}
