package io.stockflow.deploy.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stockflow.changefeed.consumer.ChangefeedMeters;
import io.stockflow.platform.TemporalFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * deploy/compose/compose.yaml loaded by compose-go, the library `docker compose` itself uses:
 * interpolation from .env.example, validation against the Compose Specification's JSON schema,
 * normalisation. A small Go program (src/test/go/composecheck) prints the loaded project as JSON.
 */
class ComposeFileIT {
  static final Path COMPOSE_DIR = Command.ROOT.resolve("deploy/compose");
  static final Path CHECKER = Path.of("src/test/go/composecheck").toAbsolutePath();
  static final ObjectMapper JSON = new ObjectMapper();
  static final Set<String> ROLES = Set.of("api", "consumer", "worker");

  static JsonNode services;

  @BeforeAll
  static void load() throws Exception {
    services =
        JSON.readTree(
                load(COMPOSE_DIR.resolve("compose.yaml"), COMPOSE_DIR.resolve(".env.example"))
                    .succeeded()
                    .stdout())
            .get("services");
  }

  static Command load(Path composeFile, Path envFile) throws Exception {
    // -mod=mod: go.sum is committed, but a Go toolchain newer than the module's may want to add
    // lines; the module cache (GOMODCACHE, GOCACHE: Go's defaults) makes later runs quick.
    return Command.run(
        CHECKER,
        Map.of("GOFLAGS", "-mod=mod", "GOTOOLCHAIN", "local"),
        Duration.ofMinutes(15),
        List.of("go", "run", ".", composeFile.toString(), envFile.toString()));
  }

  @Test
  void everyServiceOfTheClusterIsThere() {
    Set<String> names = new TreeSet<>();
    services.fieldNames().forEachRemaining(names::add);
    assertThat(names)
        .containsExactlyInAnyOrder(
            "cockroach-certs",
            "roach1",
            "roach2",
            "roach3",
            "cockroach-init",
            "kafka",
            "temporal-postgres",
            "temporal",
            "temporal-ui",
            "migrate",
            "api",
            "consumer",
            "worker",
            "prometheus",
            "grafana");
    assertThat(services.at("/roach1/image").asText()).startsWith("cockroachdb/cockroach:v24.");
    assertThat(services.at("/roach3/command").toString()).contains("--join=roach1:26357");
    assertThat(services.at("/kafka/environment/KAFKA_PROCESS_ROLES").asText())
        .isEqualTo("broker,controller");
    assertThat(services.at("/temporal/environment/DB").asText()).isEqualTo("postgres12");
    assertThat(services.at("/temporal-ui/environment/TEMPORAL_ADDRESS").asText())
        .isEqualTo("temporal:7233");
  }

  @Test
  void eachRoleIsChosenByEnvironmentAndWaitsForTheMigrationJob() {
    for (String role : ROLES) {
      JsonNode service = services.get(role);
      assertThat(service.at("/environment/STOCKFLOW_ROLES").asText()).as(role).isEqualTo(role);
      assertThat(service.at("/environment/STOCKFLOW_DATABASE_MIGRATE").asText())
          .as(role)
          .isEqualTo("false");
      assertThat(service.at("/environment/STOCKFLOW_KAFKA_BOOTSTRAP").asText())
          .isEqualTo("kafka:9092");
      assertThat(service.at("/environment/STOCKFLOW_TEMPORAL_TARGET").asText())
          .isEqualTo("temporal:7233");
      assertThat(service.at("/environment/STOCKFLOW_DATABASE_URL").asText())
          .startsWith("jdbc:postgresql://roach1:26257,roach2:26257,roach3:26257/stockflow?")
          .contains("sslmode=verify-full");
      assertThat(service.at("/environment/MICRONAUT_CONFIG_FILES").asText())
          .isEqualTo("/run/secrets/api-keys.yml");
      assertThat(service.at("/depends_on/migrate/condition").asText())
          .as(role)
          .isEqualTo("service_completed_successfully");
      assertThat(service.at("/read_only").asBoolean()).as(role).isTrue();
    }
    assertThat(services.at("/api/deploy/replicas").asInt()).isEqualTo(2);
    assertThat(services.at("/consumer/deploy/replicas").asInt()).isEqualTo(1);
    assertThat(services.at("/worker/deploy/replicas").asInt()).isEqualTo(1);

    JsonNode migrate = services.get("migrate");
    assertThat(migrate.at("/command").toString()).isEqualTo("[\"migrate\"]");
    assertThat(migrate.at("/environment/STOCKFLOW_DATABASE_MIGRATE").asText()).isEqualTo("true");
    assertThat(migrate.at("/environment/STOCKFLOW_CHANGEFEED_COCKROACH_KAFKA").asText())
        .isEqualTo("kafka:9092");
    assertThat(migrate.at("/depends_on/cockroach-init/condition").asText())
        .isEqualTo("service_completed_successfully");
    assertThat(migrate.at("/depends_on/kafka/condition").asText()).isEqualTo("service_healthy");
  }

  @Test
  void passwordsComeFromTheEnvFileAndSecretsNeverFromTheComposeFile(@TempDir Path dir)
      throws Exception {
    assertThat(services.at("/temporal-postgres/environment/POSTGRES_PASSWORD").asText())
        .isEqualTo("REPLACE-WITH-A-LONG-RANDOM-PASSWORD");
    assertThat(services.at("/grafana/environment/GF_SECURITY_ADMIN_PASSWORD__FILE").asText())
        .isEqualTo("/run/secrets/grafana-admin-password");
    assertThat(services.at("/prometheus/secrets/0/target").asText()).isEqualTo("ops-api-key");

    // Without the env file's password the file does not load at all (no silent default).
    Path emptyEnv = Files.writeString(dir.resolve("empty.env"), "");
    Command refused = load(COMPOSE_DIR.resolve("compose.yaml"), emptyEnv);
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.stderr()).contains("TEMPORAL_DB_PASSWORD");
  }

  @Test
  void aFileTheSpecificationForbidsIsRejected(@TempDir Path dir) throws Exception {
    // Proves the schema is applied: `replica` (not `replicas`) is no property of `deploy`.
    String broken =
        Files.readString(COMPOSE_DIR.resolve("compose.yaml"))
            .replace("      replicas: 2\n", "      replica: 2\n");
    assertThat(broken).contains("replica: 2");
    Path file = Files.writeString(dir.resolve("compose.yaml"), broken);
    Command rejected = load(file, COMPOSE_DIR.resolve(".env.example"));
    assertThat(rejected.exitCode()).isEqualTo(1);
    assertThat(rejected.stderr()).contains("replica");
  }

  @Test
  void prometheusScrapesEveryRoleWithTheOpsKey() throws IOException {
    JsonNode config =
        new YAMLMapper().readTree(COMPOSE_DIR.resolve("prometheus/prometheus.yml").toFile());
    JsonNode job = config.at("/scrape_configs/0");
    assertThat(job.at("/metrics_path").asText()).isEqualTo("/prometheus");
    assertThat(job.at("/http_headers/X-API-Key/files/0").asText())
        .isEqualTo("/run/secrets/ops-api-key");
    Set<String> names = new TreeSet<>();
    job.at("/dns_sd_configs/0/names").forEach(n -> names.add(n.asText()));
    assertThat(names).isEqualTo(new TreeSet<>(ROLES));
  }

  @Test
  void theDashboardQueriesOnlyMetricsThePlatformExports() throws IOException {
    JsonNode dashboard =
        JSON.readTree(COMPOSE_DIR.resolve("grafana/dashboards/stockflow.json").toFile());
    List<String> expressions = new ArrayList<>();
    dashboard
        .get("panels")
        .forEach(p -> p.get("targets").forEach(t -> expressions.add(t.get("expr").asText())));
    Set<String> used = new TreeSet<>();
    Matcher m = Pattern.compile("stockflow_[a-z_]+").matcher(String.join("\n", expressions));
    while (m.find()) used.add(m.group());

    // Prometheus names as Micrometer writes them: counters _total, timers _seconds_bucket.
    Set<String> exported = new TreeSet<>();
    for (String gauge :
        List.of(
            ChangefeedMeters.CONSUMER_LAG,
            ChangefeedMeters.WATERMARK_LAG,
            ChangefeedMeters.LANE_QUEUED,
            ChangefeedMeters.LANE_FAILING,
            ChangefeedMeters.FETCH_PAUSED)) exported.add(prometheus(gauge));
    for (String counter :
        List.of(
            ChangefeedMeters.PROCESSED,
            ChangefeedMeters.RETRIED,
            ChangefeedMeters.SKIPPED_STALE,
            ChangefeedMeters.DEAD_LETTERED,
            ChangefeedMeters.REDRIVEN,
            TemporalFactory.CALLS)) exported.add(prometheus(counter) + "_total");
    exported.add(prometheus(ChangefeedMeters.LATENCY) + "_seconds_bucket");

    assertThat(exported).containsAll(used);
    // The four things the runbook says to watch each have a panel.
    assertThat(used)
        .contains(
            "stockflow_changefeed_consumer_lag",
            "stockflow_changefeed_handled_latency_seconds_bucket",
            "stockflow_changefeed_dead_lettered_total",
            "stockflow_temporal_calls_total");
    ObjectNode datasource = (ObjectNode) dashboard.at("/panels/0/datasource");
    assertThat(datasource.get("uid").asText()).isEqualTo("prometheus");
  }

  private static String prometheus(String micrometerName) {
    return micrometerName.replace('.', '_');
  }
}
