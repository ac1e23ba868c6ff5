package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.core.convert.ConversionService;
import io.stockflow.db.Database;
import io.stockflow.db.Transactions;
import io.stockflow.testsupport.PostgresExtension;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import org.jooq.DSLContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Retention against a real database: exactly the expired rows go, page by page. */
class RetentionIT {
  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  static DSLContext sql;
  static Transactions tx;

  static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  @BeforeAll
  static void connect() {
    sql = Database.dsl(postgres.dataSource());
    tx = new Transactions(sql);
  }

  @BeforeEach
  void empty() {
    sql.execute("DELETE FROM api_idempotency_keys");
    sql.execute("DELETE FROM changefeed_fence");
    sql.execute("DELETE FROM dead_letters");
  }

  @Test
  void eachTableLosesExactlyItsExpiredRowsAcrossSeveralPages() {
    for (int i = 0; i < 5; i++) idempotencyKey("old-" + i, NOW.minus(Duration.ofDays(8)));
    for (int i = 0; i < 3; i++) idempotencyKey("new-" + i, NOW.minus(Duration.ofDays(6)));
    for (int i = 0; i < 7; i++) fence("[\"OLD-" + i + "\"]", NOW.minus(Duration.ofDays(31)));
    for (int i = 0; i < 2; i++) fence("[\"NEW-" + i + "\"]", NOW.minus(Duration.ofDays(29)));
    Instant old = NOW.minus(Duration.ofDays(31));
    Instant recent = NOW.minus(Duration.ofDays(1));
    letter(1, "pending", old, null, null);
    letter(2, "redriven", old, old, null);
    letter(3, "redriven", old, recent, null);
    letter(4, "resolved", old, null, old);
    letter(5, "resolved", old, null, null); // resolved before resolved_at existed
    letter(6, "resolved", old, null, recent);
    letter(7, "resolved", recent, null, null);

    Retention.Swept swept = retention(2).sweep();

    assertThat(swept).isEqualTo(new Retention.Swept(5, 7, 3));
    assertThat(sql.fetch("SELECT idempotency_key FROM api_idempotency_keys ORDER BY 1"))
        .extracting(r -> r.get(0, String.class))
        .containsExactly("new-0", "new-1", "new-2");
    assertThat(sql.fetch("SELECT row_key FROM changefeed_fence ORDER BY 1"))
        .extracting(r -> r.get(0, String.class))
        .containsExactly("[\"NEW-0\"]", "[\"NEW-1\"]");
    assertThat(sql.fetch("SELECT source_offset FROM dead_letters ORDER BY 1"))
        .extracting(r -> r.get(0, Long.class))
        .containsExactly(1L, 3L, 6L, 7L);
    assertThat(retention(2).sweep()).isEqualTo(new Retention.Swept(0, 0, 0));
  }

  @Test
  void twoInstancesSweepingAtOnceDeleteEachRowOnce() {
    for (int i = 0; i < 200; i++)
      fence(String.format("[\"K-%03d\"]", i), NOW.minusSeconds(i % 2 == 0 ? 40 * 86400 : 60));
    Retention a = retention(7);
    Retention b = retention(7);
    var one = CompletableFuture.supplyAsync(a::sweep);
    var two = CompletableFuture.supplyAsync(b::sweep);
    long deleted = one.join().fences() + two.join().fences();
    assertThat(deleted).isEqualTo(100);
    assertThat(sql.fetchCount(sql.selectFrom("changefeed_fence"))).isEqualTo(100);
  }

  @Test
  void defaultsAreAWeekForResponsesAndAMonthForFencesAndLetters() {
    var c = ConversionService.SHARED;
    assertThat(c.convertRequired("7d", Duration.class)).isEqualTo(Duration.ofDays(7));
    assertThat(c.convertRequired("30d", Duration.class)).isEqualTo(Duration.ofDays(30));
  }

  private static Retention retention(int pageSize) {
    var settings =
        new RetentionConfiguration(
            Duration.ofHours(1),
            Duration.ofDays(7),
            Duration.ofDays(30),
            Duration.ofDays(30),
            pageSize);
    return new Retention(
        settings, () -> tx, new PlatformRoles("consumer"), null, Clock.fixed(NOW, ZoneOffset.UTC));
  }

  private static void idempotencyKey(String key, Instant at) {
    sql.execute(
        "INSERT INTO api_idempotency_keys (principal, idempotency_key, request_hash, status_code, created_at)"
            + " VALUES ('key-1', ?, 'h', 201, ?::timestamptz)",
        key,
        at.toString());
  }

  private static void fence(String rowKey, Instant at) {
    sql.execute(
        "INSERT INTO changefeed_fence (row_key, topic, subprocessor, hlc_wall, hlc_logical, handled_at)"
            + " VALUES (?, 'inventory_levels', 'restock', 1, 0, ?::timestamptz)",
        rowKey,
        at.toString());
  }

  private static void letter(
      long offset, String status, Instant failedAt, Instant redrivenAt, Instant resolvedAt) {
    sql.execute(
        "INSERT INTO dead_letters (source_topic, source_partition, source_offset, subprocessor,"
            + " dead_letter_topic, error_class, error_message, attempts, first_failure_at,"
            + " last_failure_at, status, redriven_at, resolved_at)"
            + " VALUES ('inventory_levels', 0, ?, 'restock', 'inventory_levels.dlq', 'E', 'm', 3,"
            + " ?::timestamptz, ?::timestamptz, ?, ?::timestamptz, ?::timestamptz)",
        offset,
        failedAt.toString(),
        failedAt.toString(),
        status,
        redrivenAt == null ? null : redrivenAt.toString(),
        resolvedAt == null ? null : resolvedAt.toString());
  }
}
