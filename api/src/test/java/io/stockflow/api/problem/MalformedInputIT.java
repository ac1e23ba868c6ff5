package io.stockflow.api.problem;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.test.extensions.junit5.annotation.MicronautTest;
import io.stockflow.api.support.ApiIT;
import io.stockflow.api.support.Http;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Input the OpenAPI document declares malformed is refused as such (400 problem+json, nothing
 * changed) instead of failing the server; each case is one schemathesis found.
 */
@MicronautTest
class MalformedInputIT extends ApiIT {

  /**
   * A JSON scalar or array where an object is expected: Micronaut's bean-introspection binding
   * passed it to the record's constructor, a 500 (or for a one-field record, a valid request).
   */
  @ParameterizedTest(name = "{0} {1} with body {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "POST | /reservations                                  | false",
        "POST | /reservations                                  | 5",
        "POST | /reservations                                  | [{\"cartId\":\"c\"}]",
        "POST | /orders                                        | true",
        "POST | /orders/{order}/transitions                    | \"shipped\"",
        "POST | /orders/{order}/transitions                    | 7",
        "POST | /inventory/MI-SKU/locations/MI-LOC/receipts     | false",
        "POST | /inventory/MI-SKU/locations/MI-LOC/cycle-counts | 0",
        "POST | /inventory/MI-SKU/locations/MI-LOC/damage       | \"x\"",
        "POST | /inventory/MI-SKU/transfers                    | false",
        "POST | /inventory/MI-SKU/transfers/arrivals           | 1.5",
        "PUT  | /inventory/MI-SKU/locations/MI-LOC/thresholds   | false",
        "POST | /ops/replay                                    | false",
        "PUT  | /ops/purchase-limits/MI-SKU                    | false",
      })
  void aBodyThatIsNotAnObjectIsABadRequest(String method, String path, String body) {
    List<String> before = snapshot();
    Http.Response r =
        ops().send(method, path.replace("{order}", UUID.randomUUID().toString()), body, null);
    assertThat(r.status()).as(r.body().toString()).isEqualTo(400);
    assertThat(r.contentType()).startsWith("application/problem+json");
    assertThat(r.problemType()).isEqualTo("bad-request");
    assertThat(snapshot()).isEqualTo(before);
  }

  /**
   * U+0000 cannot be stored by PostgreSQL (SQLSTATE 22021, a 500 before): text with it is refused
   * before any statement runs, whether in the body, the path or the query.
   */
  @Test
  void textWithANulCharacterIsRefusedWhereverItIs() {
    sku("MI-NUL");
    location("MI-NUL-LOC", "us-west");
    stock("MI-NUL", "MI-NUL-LOC", 10);
    List<String> before = snapshot();

    Http.Response body =
        associate()
            .post(
                "/inventory/MI-NUL/locations/MI-NUL-LOC/damage",
                "{\"quantity\":1,\"reason\":\"dropped\\u0000\"}");
    assertThat(body.status()).isEqualTo(400);
    assertThat(body.body().path("errors").get(0).path("field").asText()).isEqualTo("reason");

    Http.Response reference =
        associate()
            .post(
                "/inventory/MI-NUL/locations/MI-NUL-LOC/receipts",
                "{\"quantity\":1,\"reference\":\"po\\u0000\"}");
    assertThat(reference.status()).isEqualTo(400);
    assertThat(reference.body().path("errors").get(0).path("field").asText())
        .isEqualTo("reference");

    Http.Response path = associate().get("/inventory/MI%00NUL");
    assertThat(path.status()).isEqualTo(400);
    assertThat(path.contentType()).startsWith("application/problem+json");
    // Refused by the parameter's constraint, not by the database's error on the lookup.
    assertThat(path.problemType()).isEqualTo("invalid-request");
    assertThat(path.body().path("errors").get(0).path("field").asText()).isEqualTo("sku");

    Http.Response query = ops().get("/ops/dead-letters?subprocessor=re%00stock");
    assertThat(query.status()).isEqualTo(400);

    assertThat(snapshot()).isEqualTo(before);
  }

  /** Whitespace of any script is blank, as the document's pattern says (not only ASCII's). */
  @Test
  void aReasonOfUnicodeSpacesIsBlank() {
    sku("MI-WS");
    location("MI-WS-LOC", "us-west");
    stock("MI-WS", "MI-WS-LOC", 10);
    Http.Response r =
        associate()
            .post(
                "/inventory/MI-WS/locations/MI-WS-LOC/damage",
                "{\"quantity\":1,\"reason\":\"\\u00a0\\u3000\"}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("errors").get(0).path("reason").asText())
        .isEqualTo("must not be blank");
  }

  /**
   * A cart id may not end in a line break: the document's pattern ends the value there ({@code $}
   * is the end of the text in JSON Schema), and so does the server.
   */
  @Test
  void aCartIdWithATrailingLineBreakIsRefused() {
    Http.Response r =
        channel()
            .post(
                "/reservations",
                "{\"cartId\":\"cart-1\\n\",\"lines\":[{\"lineNo\":1,\"sku\":\"X\",\"quantity\":1}]}");
    assertThat(r.status()).isEqualTo(400);
    assertThat(r.body().path("errors").get(0).path("field").asText()).isEqualTo("cartId");
  }

  /**
   * Empty lists are in the body (Micronaut's default left them out, so a required member went
   * missing); only null members are left out.
   */
  @Test
  void emptyListsAreSentAndNullMembersLeftOut() {
    sku("MI-NOSTOCK");
    Http.Response r = channel().get("/inventory/MI-NOSTOCK");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.body().path("regions").isArray()).as(r.body().toString()).isTrue();
    assertThat(r.body().path("regions")).isEmpty();
    assertThat(r.body().path("locations").isArray()).as(r.body().toString()).isTrue();

    location("MI-NEW-LOC", "us-west");
    stock("MI-NOSTOCK", "MI-NEW-LOC", 0);
    Http.Response level = associate().get("/inventory/MI-NOSTOCK/locations/MI-NEW-LOC");
    assertThat(level.body().has("lastCountedAt")).as(level.body().toString()).isFalse();
    assertThat(level.body().path("onHand").asLong()).isZero();
  }
}
