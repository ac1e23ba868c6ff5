package io.stockflow.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.security.annotation.Secured;
import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.security.Roles;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.exception.DataAccessException;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What a caller hears when PostgreSQL refuses a change: the problem names the constraint (when
 * there is one) and says what went wrong in generic words, never the database's own message, its
 * detail or hint, table or column names, or SQL. The errors come from the real database: a trigger
 * on {@code inventory_levels} raises them, with text that must not escape, when a cycle count
 * touches one of the test's SKUs.
 */
@MicronautTest
class DatabaseProblemsIT extends ApiIT {
  private static final String SECRET = "SECRET-DB-TEXT";

  /** Words that only the database's own text, or SQL, would put in a body. */
  private static final List<String> LEAKS =
      List.of(
          SECRET,
          "ERROR:",
          "violates",
          "relation",
          "column",
          "Failing row",
          "inventory_levels",
          "on_hand",
          "update ",
          "insert ",
          "select ",
          "SQL [",
          "PSQLException",
          "org.jooq",
          "Exception");

  @BeforeAll
  void trigger() {
    location("DBP-L", "us-west");
    for (String sku : List.of("DBP-22003", "DBP-23502", "DBP-23514", "DBP-P0001")) {
      sku(sku);
      stock(sku, "DBP-L", 10);
    }
    sql.execute(
        """
        CREATE FUNCTION dbp_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
          RAISE EXCEPTION '% in column on_hand of relation inventory_levels, SQL update inventory_levels set on_hand = %', TG_ARGV[1], NEW.on_hand
            USING ERRCODE = TG_ARGV[0], DETAIL = 'Failing row contains (%)' || TG_ARGV[1],
                  HINT = TG_ARGV[1], TABLE = 'inventory_levels', COLUMN = 'on_hand',
                  CONSTRAINT = CASE WHEN TG_ARGV[0] = '23514'
                               THEN 'inventory_levels_available_nonneg' ELSE '' END;
        END $$""");
    for (String state : List.of("22003", "23502", "23514", "P0001")) {
      sql.execute(
          "CREATE TRIGGER dbp_refuse_"
              + state
              + " BEFORE UPDATE ON inventory_levels FOR EACH ROW WHEN (NEW.sku = 'DBP-"
              + state
              + "') EXECUTE FUNCTION dbp_refuse('"
              + state
              + "', '"
              + SECRET
              + "')");
    }
  }

  private Http.Response count(String sku) {
    return count(sku, 12);
  }

  private Http.Response count(String sku, long onHand) {
    return associate()
        .post(
            "/inventory/" + sku + "/locations/DBP-L/cycle-counts",
            "{\"countedOnHand\":" + onHand + ",\"reason\":\"recount\"}");
  }

  private static void assertNoLeak(Http.Response r) {
    assertThat(r.contentType()).startsWith("application/problem+json");
    // The constraint's name is the one thing from the database a caller may see.
    String body = r.body().toString();
    String constraint = r.body().path("constraint").asText();
    if (!constraint.isEmpty()) body = body.replace(constraint, "<constraint>");
    for (String leak : LEAKS) assertThat(body).as(body).doesNotContainIgnoringCase(leak);
  }

  @Test
  void aRefusedValueIsA422WithoutTheDatabaseText() {
    for (String sku : List.of("DBP-22003", "DBP-23502")) {
      Http.Response r = count(sku);
      assertThat(r.status()).isEqualTo(422);
      assertThat(r.problemType()).isEqualTo("invalid-value");
      assertNoLeak(r);
    }
  }

  @Test
  void aCheckViolationNamesOnlyTheConstraint() {
    Http.Response r = count("DBP-23514");
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.problemType()).isEqualTo("constraint-violation");
    assertThat(r.body().path("constraint").asText()).isEqualTo("inventory_levels_available_nonneg");
    assertNoLeak(r);
  }

  @Test
  void theStockInvariantIsExplainedInTheApiWordsNotTheDatabaseColumns() {
    sku("DBP-OVERSOLD");
    stock("DBP-OVERSOLD", "DBP-L", 20);
    sql.execute(
        "UPDATE inventory_levels SET allocated = 5, reserved = 5 WHERE sku = 'DBP-OVERSOLD'");
    Http.Response r = count("DBP-OVERSOLD", 9);
    assertThat(r.status()).isEqualTo(409);
    assertThat(r.body().path("constraint").asText()).isEqualTo("inventory_never_oversold");
    assertThat(r.body().path("detail").asText()).contains("onHand");
    assertNoLeak(r);
  }

  @Test
  void anyOtherDatabaseFailureIsA500WithoutTheDatabaseText() {
    Http.Response r = count("DBP-P0001");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.problemType()).isEqualTo("internal-error");
    assertNoLeak(r);
  }

  @Test
  void aDatabaseFailureWrappedInAnotherExceptionIsA500WithoutItsText() {
    Http.Response r = ops().get("/test-only/wrapped-database-failure");
    assertThat(r.status()).isEqualTo(500);
    assertThat(r.problemType()).isEqualTo("internal-error");
    assertNoLeak(r);
  }

  /**
   * A database failure that reaches the HTTP layer wrapped, as code that turns a checked exception
   * into an unchecked one (or a future's failure) hands it on: no exception handler matches its
   * type, so Micronaut's default 500 answers it.
   */
  @Controller("/test-only")
  @Secured(Roles.OPS)
  static class WrappedFailureController {
    private final DSLContext sql;

    WrappedFailureController(DSLContext sql) {
      this.sql = sql;
    }

    @Get("/wrapped-database-failure")
    Map<String, Object> fail() {
      try {
        sql.execute("UPDATE inventory_levels SET on_hand = 1 WHERE sku = 'DBP-P0001'");
        return Map.of();
      } catch (DataAccessException e) {
        throw new IllegalStateException(e);
      }
    }
  }
}
