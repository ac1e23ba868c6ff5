package io.stockflow.bridge.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.stockflow.db.changefeed.WatchedTable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

/**
 * The handler's state across a restart of the Debezium task or of the bridge: Debezium replays from
 * the offset it stored last, and the handler resumes from the state stored with that offset. The
 * events are built as Debezium's pgoutput connector delivers them (transaction metadata on {@code
 * <prefix>.transaction}, changes with {@code source.ts_ns} and the column type parameter).
 */
class ChangeHandlerTest {
  static final String PREFIX = "stockflow_bridge";
  static final WatchedTable ITEMS = new WatchedTable("items", "items", List.of("id"));
  static final long WALL = 1_701_102_311_425_045_000L;

  static final Schema ROW =
      SchemaBuilder.struct()
          .optional()
          .field("id", typed(SchemaBuilder.string(), "TEXT"))
          .field("n", typed(SchemaBuilder.int64(), "INT8"))
          .build();
  static final Schema SOURCE =
      SchemaBuilder.struct()
          .field("table", Schema.STRING_SCHEMA)
          .field("ts_ns", Schema.INT64_SCHEMA)
          .field("txId", Schema.OPTIONAL_INT64_SCHEMA)
          .field("lsn", Schema.OPTIONAL_INT64_SCHEMA)
          .build();
  static final Schema CHANGE =
      SchemaBuilder.struct()
          .field("before", ROW)
          .field("after", ROW)
          .field("source", SOURCE)
          .field("op", Schema.STRING_SCHEMA)
          .build();
  static final Schema TX =
      SchemaBuilder.struct()
          .field("status", Schema.STRING_SCHEMA)
          .field("id", Schema.STRING_SCHEMA)
          .build();

  static Schema typed(SchemaBuilder b, String pgType) {
    return b.parameter("__debezium.source.column.type", pgType).build();
  }

  /** Collects what the handler sends, as text. */
  static final class Sent implements MessageSink {
    final List<String> rows = new ArrayList<>();

    @Override
    public void send(String topic, byte[] key, byte[] value) {
      rows.add(
          new String(key, StandardCharsets.UTF_8)
              + " "
              + new String(value, StandardCharsets.UTF_8));
    }

    @Override
    public void sendResolved(Collection<String> topics, String hlc) {}

    @Override
    public void flush() {}
  }

  /** Stands in for the engine's offset store: keeps the offset of the last processed record. */
  static final class Store
      implements DebeziumEngine.RecordCommitter<RecordChangeEvent<SourceRecord>> {
    Map<String, Object> stored;

    @Override
    public void markProcessed(RecordChangeEvent<SourceRecord> record) {
      stored = new HashMap<>(record.record().sourceOffset());
    }

    @Override
    public void markBatchFinished() {}

    @Override
    public void markProcessed(
        RecordChangeEvent<SourceRecord> record, DebeziumEngine.Offsets offsets) {
      stored = new HashMap<>(((MapOffsets) offsets).values);
    }

    @Override
    public DebeziumEngine.Offsets buildOffsets() {
      return new MapOffsets();
    }
  }

  static final class MapOffsets implements DebeziumEngine.Offsets {
    final Map<String, Object> values = new HashMap<>();

    @Override
    public void set(String key, Object value) {
      values.put(key, value);
    }
  }

  static RecordChangeEvent<SourceRecord> event(
      String topic, Schema schema, Struct value, long lsn) {
    SourceRecord r =
        new SourceRecord(
            Map.of("server", PREFIX), Map.of("lsn", lsn), topic, null, null, null, schema, value);
    return () -> r;
  }

  static RecordChangeEvent<SourceRecord> tx(String status, long xid, long lsn) {
    return event(
        PREFIX + ".transaction",
        TX,
        new Struct(TX).put("status", status).put("id", xid + ":" + lsn),
        lsn);
  }

  static RecordChangeEvent<SourceRecord> update(
      String id, long from, long to, long wallNanos, long xid, long lsn) {
    Struct source =
        new Struct(SOURCE)
            .put("table", "items")
            .put("ts_ns", wallNanos)
            .put("txId", xid)
            .put("lsn", lsn);
    Struct value =
        new Struct(CHANGE)
            .put("before", new Struct(ROW).put("id", id).put("n", from))
            .put("after", new Struct(ROW).put("id", id).put("n", to))
            .put("source", source)
            .put("op", "u");
    return event(PREFIX + ".items", CHANGE, value, lsn);
  }

  /** One transaction updating row {@code id} from {@code from} to {@code to}. */
  static List<RecordChangeEvent<SourceRecord>> transaction(
      String id, long from, long to, long wallNanos, long xid, long lsn) {
    return List.of(
        tx("BEGIN", xid, lsn),
        update(id, from, to, wallNanos, xid, lsn + 1),
        tx("END", xid, lsn + 2));
  }

  static ChangeHandler handler(Sent sent) {
    return new ChangeHandler(
        List.of(ITEMS), sent, PREFIX, "session", "__toast__", t -> false, (t, e) -> {});
  }

  @Test
  void theTieBreakOfTwoTransactionsInOneMicrosecondSurvivesARestartBetweenThem() throws Exception {
    Sent sent = new Sent();
    Store store = new Store();
    ChangeHandler first = handler(sent);
    first.resume(null);
    first.handleBatch(transaction("a", 0, 1, WALL, 700, 100), store);

    // The bridge restarts; Debezium resumes after the stored offset.
    ChangeHandler second = handler(sent);
    second.resume(store.stored);
    second.handleBatch(transaction("a", 1, 2, WALL, 701, 200), store);

    assertThat(sent.rows)
        .containsExactly(
            "[\"a\"] {\"after\": {\"id\": \"a\", \"n\": 1}, \"before\": {\"id\": \"a\", \"n\": 0},"
                + " \"updated\": \"1701102311425045000.0000000000\"}",
            "[\"a\"] {\"after\": {\"id\": \"a\", \"n\": 2}, \"before\": {\"id\": \"a\", \"n\": 1},"
                + " \"updated\": \"1701102311425045000.0000000001\"}");
  }

  @Test
  void aTaskRestartInTheMiddleOfATransactionReplaysItOnceWithTheSameUpdated() throws Exception {
    Sent sent = new Sent();
    Store store = new Store();
    ChangeHandler handler = handler(sent);
    handler.resume(null);
    handler.handleBatch(transaction("a", 0, 1, WALL, 700, 100), store);
    handler.handleBatch(List.of(tx("BEGIN", 701, 200), update("b", 0, 5, WALL, 701, 201)), store);
    Map<String, Object> stored = store.stored;

    // The walsender dies before the END of transaction 701; the task restarts from the stored
    // offset and Debezium delivers transaction 701 again, from its BEGIN.
    handler.resume(stored);
    handler.handleBatch(transaction("b", 0, 5, WALL, 701, 200), store);
    handler.handleBatch(transaction("a", 1, 2, WALL + 1000, 702, 300), store);

    assertThat(sent.rows)
        .containsExactly(
            "[\"a\"] {\"after\": {\"id\": \"a\", \"n\": 1}, \"before\": {\"id\": \"a\", \"n\": 0},"
                + " \"updated\": \"1701102311425045000.0000000000\"}",
            "[\"b\"] {\"after\": {\"id\": \"b\", \"n\": 5}, \"before\": {\"id\": \"b\", \"n\": 0},"
                + " \"updated\": \"1701102311425045000.0000000001\"}",
            "[\"a\"] {\"after\": {\"id\": \"a\", \"n\": 2}, \"before\": {\"id\": \"a\", \"n\": 1},"
                + " \"updated\": \"1701102311425046000.0000000000\"}");
  }
}
