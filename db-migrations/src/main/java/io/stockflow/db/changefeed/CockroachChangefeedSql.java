package io.stockflow.db.changefeed;

import java.time.Duration;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * Renders the CockroachDB statements that publish a {@link ChangefeedDeclaration} to Kafka. One
 * changefeed covers every watched table (one job, one set of resolved timestamps); each table goes
 * to its own topic.
 */
public final class CockroachChangefeedSql {
  private CockroachChangefeedSql() {}

  /**
   * How the feed reaches Kafka and keeps its data.
   *
   * @param sinkQuery query parameters of the {@code kafka://} URI for TLS and SASL, e.g. {@code
   *     tls_enabled=true&sasl_enabled=true&sasl_mechanism=SCRAM-SHA-512&sasl_user=cdc&sasl_password=…}
   *     (URL-encoded; empty for none)
   * @param kafkaSinkConfig the {@code kafka_sink_config} JSON (CockroachDB's saramaConfig: {@code
   *     Flush.{Bytes,Messages,Frequency,MaxMessages}}, {@code RequiredAcks}, {@code Version})
   * @param gcProtectExpiresAfter how long a paused feed's protected timestamp keeps its data from
   *     garbage collection; resume it within that time or recreate it with a cursor
   */
  public record SinkOptions(
      String sinkQuery, String kafkaSinkConfig, Duration gcProtectExpiresAfter) {
    /**
     * Every message acknowledged by all in-sync replicas (the bridge's producer uses acks=all too;
     * CockroachDB's default is the leader only), flushed at 1,000 messages or every 100 ms.
     */
    public static final String DURABLE_SINK_CONFIG =
        "{\"Flush\": {\"Messages\": 1000, \"Frequency\": \"100ms\"}, \"RequiredAcks\": \"ALL\"}";

    public static SinkOptions defaults() {
      return new SinkOptions("", DURABLE_SINK_CONFIG, Duration.ofHours(24));
    }

    public SinkOptions {
      sinkQuery = Objects.requireNonNullElse(sinkQuery, "");
      if (sinkQuery.startsWith("?")) sinkQuery = sinkQuery.substring(1);
      if (!SAFE_QUERY.matcher(sinkQuery).matches())
        throw new IllegalArgumentException(
            "sink query must be URL-encoded key=value pairs joined by &, without quotes or spaces");
      Objects.requireNonNull(kafkaSinkConfig, "kafkaSinkConfig");
      if (kafkaSinkConfig.contains("'"))
        throw new IllegalArgumentException("kafka_sink_config must not contain a single quote");
      if (gcProtectExpiresAfter.isNegative() || gcProtectExpiresAfter.isZero())
        throw new IllegalArgumentException("gc_protect_expires_after must be positive");
    }

    public SinkOptions withSinkQuery(String query) {
      return new SinkOptions(query, kafkaSinkConfig, gcProtectExpiresAfter);
    }
  }

  private static final Pattern SAFE_QUERY =
      Pattern.compile(
          "|[A-Za-z0-9_]+=[A-Za-z0-9_.~%+\\-/=]*(&[A-Za-z0-9_]+=[A-Za-z0-9_.~%+\\-/=]*)*");
  private static final Pattern CURSOR = Pattern.compile("\\d{1,19}(\\.\\d{1,10})?");
  private static final Pattern SECRET =
      Pattern.compile(
          "((?:sasl_password|sasl_client_secret|client_key|ca_cert|client_cert)=)[^&']*");

  /** Changefeeds need rangefeeds; on CockroachDB Serverless/Dedicated this is already on. */
  public static String enableRangefeeds() {
    return "SET CLUSTER SETTING kv.rangefeed.enabled = true";
  }

  /**
   * {@code CREATE CHANGEFEED FOR TABLE … INTO 'kafka://…' WITH …}, emitting changes after the
   * current time (with the declaration's initial scan).
   *
   * @param kafkaBootstrap host:port of a Kafka broker as CockroachDB's nodes reach it
   */
  public static String createChangefeed(
      ChangefeedDeclaration feed, String kafkaBootstrap, SinkOptions options) {
    return create(feed, kafkaBootstrap, options, null);
  }

  /**
   * The same feed recreated to emit every change after {@code cursor} (CockroachDB's decimal HLC
   * form, e.g. {@code 1701102311425045162.0000000000}) and no initial scan: what a failed or
   * cancelled job had not delivered, nothing lost. CockroachDB refuses a cursor older than the
   * tables' garbage-collection threshold.
   */
  public static String createChangefeedFrom(
      ChangefeedDeclaration feed, String kafkaBootstrap, SinkOptions options, String cursor) {
    if (!CURSOR.matcher(cursor).matches())
      throw new IllegalArgumentException("not a changefeed cursor: " + cursor);
    return create(feed, kafkaBootstrap, options, cursor);
  }

  /** {@code sql} with the secrets of its sink URI replaced by {@code redacted}, for logs. */
  public static String redacted(String sql) {
    return SECRET.matcher(sql).replaceAll("$1redacted");
  }

  private static String create(
      ChangefeedDeclaration feed, String kafkaBootstrap, SinkOptions options, String cursor) {
    if (kafkaBootstrap.contains("'") || kafkaBootstrap.isBlank())
      throw new IllegalArgumentException("invalid Kafka bootstrap address: " + kafkaBootstrap);
    String tables =
        feed.tables().stream().map(WatchedTable::table).collect(Collectors.joining(", "));
    String topicMap =
        feed.tables().stream()
            .filter(t -> !t.topic().equals(t.table()))
            .map(t -> t.table() + "=" + t.topic())
            .collect(Collectors.joining(","));
    // Topic renames are not an option of the kafka sink; we keep topic == table name (the
    // declaration's default).
    if (!topicMap.isEmpty())
      throw new IllegalArgumentException(
          "CockroachDB publishes each table to a topic named after it: " + topicMap);
    String scan;
    if (cursor != null) scan = ", cursor = '" + cursor + "', initial_scan = 'no'";
    else scan = feed.initialScan() ? ", initial_scan = 'yes'" : ", initial_scan = 'no'";
    return "CREATE CHANGEFEED FOR TABLE "
        + tables
        + " INTO '"
        + sinkUri(kafkaBootstrap, options)
        + "' WITH format = 'json', envelope = 'wrapped', updated, diff, resolved = '"
        + interval(feed.resolvedInterval())
        + "', min_checkpoint_frequency = '"
        + interval(feed.minCheckpointFrequency())
        + "', on_error = 'pause', gc_protect_expires_after = '"
        + interval(options.gcProtectExpiresAfter())
        + "', kafka_sink_config = '"
        + options.kafkaSinkConfig()
        + "'"
        + scan;
  }

  /** The sink URI; jobs are matched to a sink by its prefix {@code kafka://host:port}. */
  public static String sinkUri(String kafkaBootstrap, SinkOptions options) {
    return "kafka://"
        + kafkaBootstrap
        + (options.sinkQuery().isEmpty() ? "" : "?" + options.sinkQuery());
  }

  static String interval(Duration d) {
    if (d.toMillis() % 1000 == 0) return d.toSeconds() + "s";
    return d.toMillis() + "ms";
  }
}
