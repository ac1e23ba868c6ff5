package io.stockflow.deploy.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * deploy/helm/stockflow through `helm lint` and `helm template` (the Helm CLI that
 * deploy/install-helm.sh builds into .tools/bin at pre-integration-test), and the rendered
 * manifests checked: every role a Deployment with probes on paths the platform serves, non-root and
 * read-only, configured by ConfigMap and Secret; the migration Job a pre-install/pre-upgrade hook.
 */
class HelmChartIT {
  static final Path CHART = Command.ROOT.resolve("deploy/helm/stockflow");
  static final Path HELM = Command.ROOT.resolve(".tools/bin/helm");
  static final Path VALUES = Path.of("src/test/resources/helm-test-values.yaml").toAbsolutePath();

  /** kind/name -> manifest. */
  static Map<String, JsonNode> manifests;

  @BeforeAll
  static void render() throws Exception {
    assertThat(HELM)
        .as("the Helm CLI (deploy/install-helm.sh runs at pre-integration-test)")
        .isExecutable();
    String out =
        helm("template", "sf", CHART.toString(), "--namespace", "shop", "-f", VALUES.toString())
            .succeeded()
            .stdout();
    manifests = new TreeMap<>();
    try (MappingIterator<JsonNode> docs =
        new YAMLMapper().readerFor(JsonNode.class).readValues(out)) {
      while (docs.hasNext()) {
        JsonNode doc = docs.next();
        if (doc == null || doc.isEmpty()) continue;
        manifests.put(doc.get("kind").asText() + "/" + doc.at("/metadata/name").asText(), doc);
      }
    }
  }

  static Command helm(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(HELM.toString()));
    command.addAll(List.of(args));
    // A HOME of its own: no repository or plugin configuration of this machine's user applies.
    Path home = Files.createTempDirectory("helm-home");
    return Command.run(
        Command.ROOT,
        Map.of(
            "HELM_CONFIG_HOME", home.resolve("config").toString(),
            "HELM_CACHE_HOME", home.resolve("cache").toString(),
            "HELM_DATA_HOME", home.resolve("data").toString()),
        Duration.ofMinutes(2),
        command);
  }

  @Test
  void lintPassesStrictly() throws Exception {
    Command lint = helm("lint", "--strict", CHART.toString(), "-f", VALUES.toString()).succeeded();
    assertThat(lint.stdout()).contains("1 chart(s) linted, 0 chart(s) failed");
  }

  @Test
  void withoutSecretsTheChartRefusesToRender() throws Exception {
    Command refused = helm("template", "sf", CHART.toString());
    assertThat(refused.exitCode()).isNotZero();
    assertThat(refused.stderr()).contains("secrets.databaseUrl is required");
  }

  @Test
  void everyRoleIsADeploymentChosenByEnvironment() {
    assertThat(manifests.keySet())
        .containsExactlyInAnyOrder(
            "ConfigMap/sf-stockflow",
            "Secret/sf-stockflow",
            "Deployment/sf-stockflow-api",
            "Deployment/sf-stockflow-consumer",
            "Deployment/sf-stockflow-worker",
            "Job/sf-stockflow-migrate",
            "Service/sf-stockflow-api",
            "PodDisruptionBudget/sf-stockflow-api");
    assertThat(manifests.get("Deployment/sf-stockflow-api").at("/spec/replicas").asInt())
        .isEqualTo(2);
    for (String role : List.of("api", "consumer", "worker")) {
      JsonNode container = container(manifests.get("Deployment/sf-stockflow-" + role));
      Map<String, JsonNode> env = env(container);
      assertThat(env.get("STOCKFLOW_ROLES").get("value").asText()).as(role).isEqualTo(role);
      assertThat(env.get("STOCKFLOW_DATABASE_MIGRATE").get("value").asText()).isEqualTo("false");
      assertThat(env.get("STOCKFLOW_DATABASE_URL").at("/valueFrom/secretKeyRef/name").asText())
          .isEqualTo("sf-stockflow");
      assertThat(env.get("STOCKFLOW_DATABASE_URL").at("/valueFrom/secretKeyRef/key").asText())
          .isEqualTo("database-url");
      assertThat(env.get("MICRONAUT_CONFIG_FILES").get("value").asText())
          .isEqualTo("/etc/stockflow/secrets/api-keys.yml");
      assertThat(container.at("/envFrom/0/configMapRef/name").asText()).isEqualTo("sf-stockflow");
      assertThat(container.at("/resources/requests/memory").asText()).as(role).isNotEmpty();
      assertThat(container.at("/resources/limits/memory").asText()).as(role).isNotEmpty();
    }
  }

  @Test
  void everyDeploymentHasProbesOnTheHealthPathsThePlatformServes() {
    for (JsonNode deployment : kind("Deployment")) {
      JsonNode container = container(deployment);
      String name = deployment.at("/metadata/name").asText();
      // The paths ManagementEndpointsIT proves public (200 without a key) on every role.
      assertThat(container.at("/livenessProbe/httpGet/path").asText())
          .as(name)
          .isEqualTo("/health/liveness");
      assertThat(container.at("/readinessProbe/httpGet/path").asText())
          .as(name)
          .isEqualTo("/health/readiness");
      assertThat(container.at("/startupProbe/httpGet/path").asText())
          .as(name)
          .isEqualTo("/health/liveness");
      assertThat(container.at("/livenessProbe/httpGet/port").asText()).isEqualTo("http");
      assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(8080);
    }
  }

  @Test
  void everyPodRunsAsNonRootOnAReadOnlyRootFilesystem() {
    List<JsonNode> pods = new ArrayList<>();
    kind("Deployment").forEach(d -> pods.add(d.at("/spec/template/spec")));
    pods.add(manifests.get("Job/sf-stockflow-migrate").at("/spec/template/spec"));
    for (JsonNode pod : pods) {
      assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).isTrue();
      assertThat(pod.at("/securityContext/runAsUser").asInt()).isEqualTo(10001);
      JsonNode container = pod.at("/containers/0");
      assertThat(container.at("/securityContext/readOnlyRootFilesystem").asBoolean()).isTrue();
      assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean()).isFalse();
      assertThat(container.at("/securityContext/capabilities/drop/0").asText()).isEqualTo("ALL");
      // The one writable place, and the secrets read-only.
      Map<String, String> mounts = new TreeMap<>();
      container
          .get("volumeMounts")
          .forEach(m -> mounts.put(m.get("mountPath").asText(), m.get("name").asText()));
      assertThat(mounts)
          .containsEntry("/tmp", "tmp")
          .containsEntry("/etc/stockflow/secrets", "secrets")
          .containsEntry("/certs", "db-certs");
    }
  }

  @Test
  void theMigrationJobRunsBeforeInstallAndUpgradeAfterItsConfiguration() {
    JsonNode job = manifests.get("Job/sf-stockflow-migrate");
    assertThat(job.at("/metadata/annotations/helm.sh~1hook").asText())
        .isEqualTo("pre-install,pre-upgrade");
    JsonNode container = container(job);
    assertThat(container.at("/args").toString()).isEqualTo("[\"migrate\"]");
    assertThat(env(container).get("STOCKFLOW_DATABASE_MIGRATE").get("value").asText())
        .isEqualTo("true");
    assertThat(job.at("/spec/template/spec/restartPolicy").asText()).isEqualTo("Never");
    // Hooks run before ordinary resources exist: what the Job reads must be an earlier hook.
    int jobWeight = job.at("/metadata/annotations/helm.sh~1hook-weight").asInt();
    for (String read : List.of("ConfigMap/sf-stockflow", "Secret/sf-stockflow")) {
      JsonNode annotations = manifests.get(read).at("/metadata/annotations");
      assertThat(annotations.get("helm.sh/hook").asText()).as(read).contains("pre-install");
      assertThat(annotations.get("helm.sh/hook-weight").asInt()).as(read).isLessThan(jobWeight);
    }
  }

  @Test
  void theSecretHoldsTheDatabaseUrlAndTheApiKeysAsMicronautConfiguration() throws Exception {
    JsonNode secret = manifests.get("Secret/sf-stockflow");
    assertThat(secret.at("/stringData/database-url").asText())
        .startsWith("jdbc:postgresql://cockroachdb-public:26257/stockflow");
    JsonNode keys =
        new YAMLMapper()
            .readTree(secret.at("/stringData/api-keys.yml").asText())
            .at("/stockflow/api/keys");
    assertThat(keys.get("test-ops-key").asText()).isEqualTo("ops");
    assertThat(keys.get("test-channel-key").asText()).isEqualTo("channel,associate");
    JsonNode config = manifests.get("ConfigMap/sf-stockflow").get("data");
    assertThat(config.get("STOCKFLOW_KAFKA_BOOTSTRAP").asText()).isEqualTo("kafka:9092");
    assertThat(config.get("STOCKFLOW_TEMPORAL_TARGET").asText()).isNotEmpty();
    // Nothing secret in the ConfigMap.
    assertThat(config.toString()).doesNotContain("test-ops-key").doesNotContain("jdbc:");
  }

  private static List<JsonNode> kind(String kind) {
    return manifests.entrySet().stream()
        .filter(e -> e.getKey().startsWith(kind + "/"))
        .map(Map.Entry::getValue)
        .collect(Collectors.toList());
  }

  private static JsonNode container(JsonNode workload) {
    JsonNode containers = workload.at("/spec/template/spec/containers");
    assertThat(containers.size()).isEqualTo(1);
    return containers.get(0);
  }

  private static Map<String, JsonNode> env(JsonNode container) {
    Map<String, JsonNode> env = new TreeMap<>();
    container.get("env").forEach(e -> env.put(e.get("name").asText(), e));
    assertThat(env.keySet())
        .containsAll(Set.of("STOCKFLOW_DATABASE_URL", "STOCKFLOW_DATABASE_MIGRATE"));
    return env;
  }
}
