package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micronaut.context.ApplicationContext;
import io.micronaut.runtime.server.EmbeddedServer;
import io.stockflow.api.security.ApiKeyAuthenticationFetcher;
import io.stockflow.api.security.ApiKeys;
import io.stockflow.db.Database;
import io.stockflow.embedded.Ports;
import io.stockflow.testsupport.PostgresExtension;
import io.stockflow.testsupport.TemporalExtension;
import io.stockflow.workflows.StockflowSearchAttributes;
import io.stockflow.workflows.sync.ChannelSyncClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jooq.DSLContext;
import org.jooq.Record;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * With a low-stock threshold other than the default, the API's availability and what channel sync
 * writes to {@code channel_availability} agree: one platform (api and worker roles) on a real
 * PostgreSQL and Temporal dev server, configured once with {@code
 * stockflow.availability.low-stock-threshold=10}.
 */
class AvailabilityAgreementIT {
  private static final String CHANNEL_KEY = "agreement-it-channel-key-0123456789";
  private static final ObjectMapper JSON = new ObjectMapper();

  @RegisterExtension
  static final PostgresExtension postgres =
      PostgresExtension.withTemplate("migrated", Database::migrate);

  @RegisterExtension
  static final TemporalExtension temporal =
      TemporalExtension.withSearchAttributes(StockflowSearchAttributes.DEV_SERVER_FLAGS);

  static ApplicationContext platform;
  static DSLContext sql;

  @BeforeAll
  static void startPlatform() {
    Map<String, Object> props = new HashMap<>();
    props.put("stockflow.roles", "api,worker");
    props.put("stockflow.availability.low-stock-threshold", "10");
    props.put("stockflow.database.url", postgres.jdbcUrl());
    props.put("stockflow.temporal.target", temporal.target());
    props.put("stockflow.worker.task-queue", temporal.taskQueue());
    props.put("micronaut.server.port", -1);
    // Never contacted without the consumer role; set so nothing reaches for a developer's broker.
    props.put("stockflow.kafka.bootstrap", "127.0.0.1:" + Ports.free());
    props.put(ApiKeys.PROPERTY + "." + CHANNEL_KEY, "channel");
    platform = StockflowApplication.start(props);
    sql = Database.dsl(postgres.dataSource());
  }

  @AfterAll
  static void stop() {
    if (platform != null) platform.close();
  }

  @Test
  void theApiAndTheChannelProjectionBandASkuWithTheSameConfiguredThreshold() throws Exception {
    sql.execute(
        "INSERT INTO locations (id, name, kind, region) VALUES ('AG-1', 'AG-1', 'store', 'eu')");
    sql.execute("INSERT INTO skus (sku, name) VALUES ('AG-SKU', 'AG-SKU')");
    sql.execute("INSERT INTO channels (id, name) VALUES ('shop', 'Shop')");
    // 12 on hand, 4 of them safety stock: 8 to sell, low at threshold 10 (in stock at the
    // default 5).
    sql.execute(
        "INSERT INTO inventory_levels (sku, location_id, on_hand, safety_stock)"
            + " VALUES ('AG-SKU', 'AG-1', 12, 4)");

    JsonNode api = availability("AG-SKU");
    assertThat(api.path("availableToSell").asLong()).isEqualTo(8);
    assertThat(api.path("status").asText()).isEqualTo("low_stock");
    assertThat(api.path("message").asText()).isEqualTo("Only 8 left");

    platform.getBean(ChannelSyncClient.class).onSkuChanged("AG-SKU");
    Record projected =
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    sql.fetchOne(
                        "SELECT available_to_sell, status FROM channel_availability"
                            + " WHERE channel_id = 'shop' AND sku = 'AG-SKU'"),
                r -> r != null);
    assertThat(List.of(projected.get(0, Long.class), projected.get(1, String.class)))
        .containsExactly(api.path("availableToSell").asLong(), api.path("status").asText());
  }

  private static JsonNode availability(String sku) throws Exception {
    String base = platform.getBean(EmbeddedServer.class).getURL().toString().replaceFirst("/$", "");
    HttpResponse<String> response =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(base + "/inventory/" + sku))
                    .header(ApiKeyAuthenticationFetcher.HEADER, CHANNEL_KEY)
                    .timeout(Duration.ofSeconds(10))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    return JSON.readTree(response.body());
  }
}
