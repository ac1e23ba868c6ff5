package io.stockflow.bridge.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.stockflow.bridge.encoding.ColumnType;
import io.stockflow.bridge.encoding.Envelope;
import io.stockflow.bridge.encoding.UnencodableValueException;
import io.stockflow.bridge.postgres.ScanSnapshot;
import io.stockflow.db.changefeed.WatchedTable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.function.BiConsumer;
import java.util.function.Predicate;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns Debezium's pgoutput change events into CockroachDB changefeed messages and decides when
 * Debezium may commit its offsets.
 *
 * <p><b>Transactions.</b> Debezium is configured with {@code provide.transaction.metadata}, so
 * every transaction is closed by an END event. Rows are buffered per transaction and merged per key
 * (first {@code before}, last {@code after}), so several writes to one row in one transaction give
 * one message, as in CockroachDB. At END the transaction's messages are sent, all carrying the same
 * {@code updated}: the commit timestamp PostgreSQL wrote into the commit record (microseconds, read
 * back from the WAL, so a re-emission after a restart carries the same value). The logical part is
 * 0, or one more than the previous transaction's when two transactions carry the same microsecond.
 * That state is stored with each Debezium offset and restored by {@link #resume} from the offset
 * the task resumes from, so it survives restarts and a re-emission repeats the first {@code
 * updated}. A later writer of a row waits for the earlier writer's row lock, which is released only
 * after the earlier commit record (and its timestamp) exists, so per key {@code updated} increases
 * with commit order as long as the server clock does not step backwards.
 *
 * <p><b>At-least-once.</b> Debezium's offset of a record is committed only after {@link
 * KafkaSink#flush()} confirmed every message up to it; records of a transaction still open at the
 * end of a batch stay unmarked until its END arrives.
 *
 * <p><b>Resolved.</b> {@link ResolvedMarkers} commits a transactional logical decoding message
 * carrying the database clock {@code R_i} every resolved interval. Because pgoutput delivers
 * transactions in commit-LSN order, when marker {@code i} arrives every transaction whose commit
 * record precedes the marker's has been sent. A transaction takes its commit timestamp just before
 * inserting its commit record, so one with timestamp {@code <= R_{i-1}} has inserted its record
 * before marker {@code i}, one interval later. On marker {@code i} the handler therefore flushes
 * and emits {@code R_{i-1}} to every partition of every streamed topic. Markers keep flowing when
 * the database is idle, so resolved keeps advancing; markers of an earlier run (replayed after a
 * restart) only advance offsets.
 *
 * <p><b>Bad columns.</b> A column whose type or value the bridge cannot encode stops that table:
 * its rows are dropped from then on (and from the current transaction), it gets no more resolved
 * messages, and {@code onStopped} is told with table and column. Other tables keep streaming.
 *
 * <p>Called by the engine from one thread at a time; not thread-safe otherwise.
 */
public final class ChangeHandler
    implements DebeziumEngine.ChangeConsumer<RecordChangeEvent<SourceRecord>> {
  private static final Logger log = LoggerFactory.getLogger(ChangeHandler.class);
  private static final JsonNodeFactory NODES = JsonNodeFactory.withExactBigDecimals(true);
  static final String SOURCE_TYPE_PARAMETER = "__debezium.source.column.type";

  private final Map<String, WatchedTable> tables = new LinkedHashMap<>();
  private final MessageSink sink;
  private final String topicPrefix;
  private final String session;
  private final String toastPlaceholder;
  private final Predicate<String> isStopped;
  private final BiConsumer<WatchedTable, UnencodableValueException> onStopped;

  /** Offset keys under which the tie-break state is stored with Debezium's offset. */
  static final String WALL_KEY = "stockflow_updated_wall";

  static final String LOGICAL_KEY = "stockflow_updated_logical";

  /** Processed events, each with the tie-break state after it, to be marked after the flush. */
  private final List<Done> done = new ArrayList<>();

  private Tx open;
  private ScanSnapshot scanned;
  private long lastWallNanos = -1;
  private int lastLogical;
  private String previousMarker;
  private String lastResolved;

  /**
   * @param topicPrefix Debezium's {@code topic.prefix}; transaction and message events arrive on
   *     {@code <prefix>.transaction} and {@code <prefix>.message}
   * @param session this run's marker session id; markers of other sessions are ignored
   * @param toastPlaceholder Debezium's {@code unavailable.value.placeholder}
   */
  public ChangeHandler(
      List<WatchedTable> streamed,
      MessageSink sink,
      String topicPrefix,
      String session,
      String toastPlaceholder,
      Predicate<String> isStopped,
      BiConsumer<WatchedTable, UnencodableValueException> onStopped) {
    streamed.forEach(t -> tables.put(t.table(), t));
    this.sink = sink;
    this.topicPrefix = topicPrefix;
    this.session = session;
    this.toastPlaceholder = toastPlaceholder;
    this.isStopped = isStopped;
    this.onStopped = onStopped;
  }

  /**
   * Skips the changes of transactions {@code snapshot} saw: the initial scan emitted their effects
   * already, with an {@code updated} that may be below theirs (see {@link
   * io.stockflow.bridge.postgres.InitialScan}).
   */
  public synchronized void skipTransactionsSeenBy(ScanSnapshot snapshot) {
    this.scanned = snapshot;
  }

  /**
   * The connector (re)starts streaming from {@code storedOffset}, the offset Debezium stored last
   * (null when there is none): the next transaction is the one after it. Called before the task
   * streams, on first start and on every restart of Debezium's task (e.g. after its replication
   * connection was terminated). The tie-break state stored with that offset is exactly the state
   * after that offset's record, so a transaction gets the same {@code updated} whether it is
   * emitted for the first time or again after a restart, and two transactions in one microsecond
   * never share one {@code updated}, also when a restart falls between them.
   */
  public synchronized void resume(Map<String, ?> storedOffset) {
    // A restart in the middle of a transaction: Debezium delivers it again from its BEGIN (its
    // records were never marked, so the stored offset is before it). What was buffered of it is
    // dropped, not emitted.
    if (open != null && !open.events.isEmpty())
      log.info(
          "changefeed bridge: Debezium restarts in transaction {}; it is replayed from its start",
          open.id);
    open = null;
    done.clear();
    // Markers are trusted again only once seen in the replayed stream; resolved never goes back
    // (lastResolved stays).
    previousMarker = null;
    Object wall = storedOffset == null ? null : storedOffset.get(WALL_KEY);
    Object logical = storedOffset == null ? null : storedOffset.get(LOGICAL_KEY);
    if (wall instanceof Number w && logical instanceof Number l && w.longValue() >= 0) {
      lastWallNanos = w.longValue();
      lastLogical = l.intValue();
      log.info(
          "changefeed bridge: Debezium resumes after its stored offset, last updated {}",
          Envelope.hlc(lastWallNanos, lastLogical));
    } else {
      // No state stored (first start, or offsets of a bridge before this state existed): a tie
      // with the transaction just before the offset can then not be detected.
      lastWallNanos = -1;
      lastLogical = 0;
    }
  }

  @Override
  public synchronized void handleBatch(
      List<RecordChangeEvent<SourceRecord>> records,
      DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> committer)
      throws InterruptedException {
    for (RecordChangeEvent<SourceRecord> event : records) {
      SourceRecord r = event.record();
      if (!(r.value() instanceof Struct value)) {
        done(event);
      } else if (r.topic().equals(topicPrefix + ".transaction")) {
        transactionEvent(event, value);
      } else if (r.topic().equals(topicPrefix + ".message")) {
        marker(value);
        // A marker is its own transaction; when Debezium frames it with BEGIN/END it is
        // committed with them.
        if (open != null) open.events.add(event);
        else done(event);
      } else {
        if (open == null) open = new Tx(null);
        open.events.add(event);
        change(value);
      }
    }
    sink.flush();
    for (Done d : done) {
      // Debezium's own offset of the record, plus the tie-break state after it (see resume).
      DebeziumEngine.Offsets offsets = committer.buildOffsets();
      Map<String, ?> source = d.event.record().sourceOffset();
      if (source != null) source.forEach(offsets::set);
      offsets.set(WALL_KEY, d.wallNanos);
      offsets.set(LOGICAL_KEY, (long) d.logical);
      committer.markProcessed(d.event, offsets);
    }
    done.clear();
    committer.markBatchFinished();
  }

  private void done(RecordChangeEvent<SourceRecord> event) {
    done.add(new Done(event, lastWallNanos, lastLogical));
  }

  private record Done(RecordChangeEvent<SourceRecord> event, long wallNanos, int logical) {}

  private void transactionEvent(RecordChangeEvent<SourceRecord> event, Struct value) {
    String status = value.getString("status");
    String id = value.getString("id");
    if ("BEGIN".equals(status)) {
      if (open != null && !open.events.isEmpty())
        throw new IllegalStateException(
            "transaction " + id + " began before transaction " + open.id + " ended");
      open = new Tx(id);
      open.events.add(event);
    } else {
      if (open == null) open = new Tx(id);
      open.events.add(event);
      emit(open);
      open.events.forEach(this::done);
      open = null;
    }
  }

  private void change(Struct value) {
    Struct source = value.getStruct("source");
    WatchedTable t = tables.get(source.getString("table"));
    if (t == null || isStopped.test(t.table())) return;
    if (scanned != null) {
      Long xid = source.getInt64("txId");
      Long lsn = source.getInt64("lsn");
      if (xid != null && lsn != null && scanned.includes(xid, lsn)) return;
    }
    open.commitNanos = source.getInt64("ts_ns");
    Map<String, JsonNode> before;
    Map<String, JsonNode> after;
    try {
      before = row(t, value.getStruct("before"), null);
      after = row(t, value.getStruct("after"), before);
    } catch (UnencodableValueException e) {
      open.changes.keySet().removeIf(k -> k.table().equals(t.table()));
      onStopped.accept(t, e);
      return;
    }
    String op = value.getString("op");
    switch (op) {
      case "c", "r" -> open.merge(t, Envelope.key(t.primaryKey(), after), null, after);
      case "d" -> open.merge(t, Envelope.key(t.primaryKey(), before), before, null);
      case "u" -> {
        byte[] newKey = Envelope.key(t.primaryKey(), after);
        byte[] oldKey = before == null ? newKey : Envelope.key(t.primaryKey(), before);
        if (Arrays.equals(oldKey, newKey)) {
          open.merge(t, newKey, before, after);
        } else {
          // CockroachDB sees a primary-key change as a delete of the old key and an insert.
          open.merge(t, oldKey, before, null);
          open.merge(t, newKey, null, after);
        }
      }
      default -> log.debug("changefeed bridge: ignoring op {} on {}", op, t.table());
    }
  }

  private Map<String, JsonNode> row(WatchedTable t, Struct row, Map<String, JsonNode> before) {
    if (row == null) return null;
    Map<String, JsonNode> out = new LinkedHashMap<>();
    for (Field f : row.schema().fields()) {
      Map<String, String> params = f.schema().parameters();
      String type = params == null ? null : params.get(SOURCE_TYPE_PARAMETER);
      ColumnType ct =
          type == null
              ? null
              : ColumnType.forPgType(type)
                  .orElseThrow(
                      () ->
                          new UnencodableValueException(
                              t.table(),
                              f.name(),
                              "type "
                                  + type.toLowerCase(Locale.ROOT)
                                  + " has no CockroachDB changefeed encoding here"));
      if (ct == null)
        throw new UnencodableValueException(t.table(), f.name(), "the column type is unknown");
      Object v = row.get(f);
      if (v == null) {
        out.put(f.name(), NODES.nullNode());
      } else if (toastPlaceholder.equals(v)) {
        // An UPDATE that left a TOASTed value alone: pgoutput sends no new value, but the old row
        // (REPLICA IDENTITY FULL) has it, and unchanged means equal.
        JsonNode old = before == null ? null : before.get(f.name());
        if (old == null)
          throw new UnencodableValueException(
              t.table(), f.name(), "unchanged TOASTed value without a before image");
        out.put(f.name(), old);
      } else {
        try {
          out.put(f.name(), ct.fromDebezium(v));
        } catch (IllegalArgumentException | ClassCastException e) {
          throw new UnencodableValueException(t.table(), f.name(), e.getMessage());
        }
      }
    }
    return out;
  }

  private void emit(Tx tx) {
    if (tx.changes.isEmpty()) return;
    int logical = tx.commitNanos == lastWallNanos ? lastLogical + 1 : 0;
    lastWallNanos = tx.commitNanos;
    lastLogical = logical;
    String updated = Envelope.hlc(tx.commitNanos, logical);
    for (Map.Entry<RowKey, Change> e : tx.changes.entrySet()) {
      Change c = e.getValue();
      sink.send(e.getKey().topic(), e.getKey().key(), Envelope.value(c.before, c.after, updated));
    }
  }

  private void marker(Struct value) {
    Struct message = value.getStruct("message");
    Object content = message.get("content");
    byte[] bytes =
        content instanceof ByteBuffer b
            ? Arrays.copyOfRange(b.array(), b.arrayOffset() + b.position(), b.limit())
            : (byte[]) content;
    String[] parts = new String(bytes, StandardCharsets.UTF_8).split(" ");
    if (parts.length != 2 || !parts[0].equals(session)) return;
    String marker = Envelope.hlc(Long.parseLong(parts[1]) * 1000, 0);
    if (previousMarker != null
        && (lastResolved == null || compareHlc(previousMarker, lastResolved) > 0)) {
      sink.flush();
      List<String> topics =
          tables.values().stream()
              .filter(t -> !isStopped.test(t.table()))
              .map(WatchedTable::topic)
              .distinct()
              .toList();
      sink.sendResolved(topics, previousMarker);
      lastResolved = previousMarker;
    }
    previousMarker = marker;
  }

  private static int compareHlc(String a, String b) {
    int c = Integer.compare(a.length(), b.length());
    return c != 0 ? c : a.compareTo(b);
  }

  private record RowKey(String table, String topic, byte[] key) {
    @Override
    public boolean equals(Object o) {
      return o instanceof RowKey k && k.table.equals(table) && Arrays.equals(k.key, key);
    }

    @Override
    public int hashCode() {
      return Objects.hash(table, Arrays.hashCode(key));
    }
  }

  private static final class Change {
    final Map<String, JsonNode> before;
    Map<String, JsonNode> after;

    Change(Map<String, JsonNode> before, Map<String, JsonNode> after) {
      this.before = before;
      this.after = after;
    }
  }

  private static final class Tx {
    final String id;
    final List<RecordChangeEvent<SourceRecord>> events = new ArrayList<>();
    final Map<RowKey, Change> changes = new LinkedHashMap<>();
    long commitNanos;

    Tx(String id) {
      this.id = id;
    }

    /** The row as before the transaction, and as after its last write. */
    void merge(
        WatchedTable t, byte[] key, Map<String, JsonNode> before, Map<String, JsonNode> after) {
      RowKey k = new RowKey(t.table(), t.topic(), key);
      Change existing = changes.get(k);
      if (existing == null) changes.put(k, new Change(before, after));
      else existing.after = after;
    }
  }
}
