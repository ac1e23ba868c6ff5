package io.stockflow.subprocessors.audit;

import static io.stockflow.db.jooq.Tables.INVENTORY_CHANGES;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;
import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import io.stockflow.testsupport.PostgresExtension;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class AuditLogSubprocessorIT {
  static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  static DSLContext sql;

  @BeforeAll
  static void connect() {
    sql = Database.dsl(postgres.dataSource());
  }

  @Test
  void everyChangeIsAuditedOnceEvenWhenDeliveredTwice() throws Exception {
    AuditLogSubprocessor audit = new AuditLogSubprocessor(new Transactions(sql));
    ChangeEvent update =
        event(
            "{\"sku\":\"A\",\"location_id\":\"L\",\"on_hand\":5}",
            "{\"sku\":\"A\",\"location_id\":\"L\",\"on_hand\":3}",
            false);
    assertThat(audit.shouldProcess(update)).isTrue();
    audit.process(update);
    audit.process(update); // at-least-once delivery: the duplicate inserts nothing

    var rows =
        sql.selectFrom(INVENTORY_CHANGES)
            .where(INVENTORY_CHANGES.ROW_KEY.eq("[\"A\",\"L\"]"))
            .fetch();
    assertThat(rows).hasSize(1);
    assertThat(rows.get(0).getTableName()).isEqualTo("inventory_levels");
    assertThat(rows.get(0).getOperation()).isEqualTo("update");
    assertThat(JSON.readTree(rows.get(0).getBeforeRow().data()).get("on_hand").asLong())
        .isEqualTo(5);
    assertThat(JSON.readTree(rows.get(0).getAfterRow().data()).get("on_hand").asLong())
        .isEqualTo(3);
  }

  @Test
  void replayRequestsAreRecordedAsReplays() throws Exception {
    AuditLogSubprocessor audit = new AuditLogSubprocessor(new Transactions(sql));
    audit.process(
        event(
            "{\"sku\":\"B\",\"location_id\":\"L\"}",
            "{\"sku\":\"B\",\"location_id\":\"L\"}",
            true));
    assertThat(
            sql.select(INVENTORY_CHANGES.OPERATION)
                .from(INVENTORY_CHANGES)
                .where(INVENTORY_CHANGES.ROW_KEY.eq("[\"B\",\"L\"]"))
                .fetchOne()
                .value1())
        .isEqualTo("replay");
  }

  @Test
  void aBatchIsOneInsertAndRepeatsInsideOrAcrossBatchesInsertNothing() throws Exception {
    AuditLogSubprocessor audit = new AuditLogSubprocessor(new Transactions(sql));
    java.util.List<ChangeEvent> batch = new java.util.ArrayList<>();
    for (int i = 1; i <= 250; i++)
      batch.add(
          event(
              "{\"sku\":\"C\",\"location_id\":\"L\",\"on_hand\":" + (i - 1) + "}",
              "{\"sku\":\"C\",\"location_id\":\"L\",\"on_hand\":" + i + "}",
              false,
              Hlc.parse("17011023114250" + (45162 + i) + ".0000000000")));
    batch.add(batch.get(7)); // delivered twice within one batch
    assertThat(audit.maxBatchSize()).isGreaterThanOrEqualTo(batch.size());
    audit.processBatch(batch);
    audit.processBatch(batch.subList(100, 120)); // and again in a later batch

    java.util.List<Long> onHand = new java.util.ArrayList<>();
    for (var row :
        sql.select(INVENTORY_CHANGES.AFTER_ROW)
            .from(INVENTORY_CHANGES)
            .where(INVENTORY_CHANGES.ROW_KEY.eq("[\"C\",\"L\"]"))
            .fetch(INVENTORY_CHANGES.AFTER_ROW))
      onHand.add(JSON.readTree(row.data()).get("on_hand").asLong());
    assertThat(onHand).hasSize(250).doesNotHaveDuplicates();
  }

  private static ChangeEvent event(String before, String after, boolean replay) throws Exception {
    return event(before, after, replay, Hlc.parse("1701102311425045162.0000000001"));
  }

  private static ChangeEvent event(String before, String after, boolean replay, Hlc updated)
      throws Exception {
    ObjectNode b = (ObjectNode) JSON.readTree(before);
    ObjectNode a = (ObjectNode) JSON.readTree(after);
    ArrayNode key =
        JSON.createArrayNode().add(a.get("sku").asText()).add(a.get("location_id").asText());
    return new ChangeEvent("inventory_levels", 0, 42, key, b, a, updated, Operation.UPDATE, replay);
  }
}
