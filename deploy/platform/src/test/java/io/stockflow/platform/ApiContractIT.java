package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import io.stockflow.api.ApiDefinition;
import io.stockflow.api.security.ApiKeyAuthenticationFetcher;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The API keeps its OpenAPI contract, checked as a client would: schemathesis (installed by {@code
 * deploy/install-test-tools.sh}) loads the document from the running platform (api role, a real
 * PostgreSQL, a key with every role) and sends generated requests — valid ones, invalid ones,
 * without the key — with every check on: no 5xx, every status and header documented, every body
 * matching its schema and content type, valid data accepted and invalid data refused. Bounded by
 * {@code --max-examples} and a fixed seed so a failure is reproducible (override with {@code
 * -Dcontract.seed=…}, or {@code -Dcontract.examples=…}); {@code schemathesis.toml} says why a
 * schema-valid request may also be answered 422.
 */
class ApiContractIT {
  private static final String KEY = "contract-it-key-with-every-role-0123456789";
  private static final String SPEC = "/swagger/" + ApiDefinition.SPEC_FILE;
  private static final Duration RUN_LIMIT = Duration.ofMinutes(5);
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @RegisterExtension
  static final ApiOnlyPlatform platform = new ApiOnlyPlatform(Map.of(KEY, "channel,associate,ops"));

  @Test
  void schemathesisFindsNoFailureWithEveryCheck() throws Exception {
    Path schemathesis = schemathesis();
    warmUp();
    Path log = Path.of("target", "schemathesis.log").toAbsolutePath();
    Files.createDirectories(log.getParent());
    List<String> command =
        new ArrayList<>(
            List.of(
                schemathesis.toString(),
                "--config-file",
                resource("schemathesis.toml").toString(),
                "--no-color",
                "run",
                platform.base() + SPEC + ".yml",
                "--checks",
                "all",
                "--header",
                ApiKeyAuthenticationFetcher.HEADER + ": " + KEY,
                "--max-examples",
                System.getProperty("contract.examples", "10"),
                "--seed",
                System.getProperty("contract.seed", "20261205"),
                // Generous for a loaded 2-core CI machine; a slow answer is not what this checks.
                "--request-timeout",
                "30",
                "--max-response-time",
                "20",
                // Every run starts afresh: no examples remembered from earlier runs.
                "--generation-database",
                "none"));
    Process run =
        new ProcessBuilder(command)
            // Its caches (.schemathesis/) go to target/, not the source tree.
            .directory(log.getParent().toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    try {
      assertThat(run.waitFor(RUN_LIMIT.toSeconds(), TimeUnit.SECONDS))
          .as("schemathesis finished within %s", RUN_LIMIT)
          .isTrue();
    } finally {
      run.destroyForcibly();
    }
    String output = Files.readString(log);
    // Any failure, error or a document it cannot load exits non-zero; its closing line counts them
    // ("== 3 failures, 1 error in 61.2s ==") and names neither on a clean run.
    assertThat(run.exitValue()).as("schemathesis exit status; its output:%n%s", output).isZero();
    assertThat(summary(output)).as(output).doesNotContain("failure").doesNotContain("error");
  }

  @Test
  void theDocumentIsServedAsUtf8YamlAndAsTheSameJson() throws Exception {
    HttpResponse<byte[]> yaml = get(SPEC + ".yml");
    assertThat(yaml.statusCode()).isEqualTo(200);
    assertThat(yaml.headers().firstValue("Content-Type").orElse(""))
        .isEqualToIgnoringWhitespace("application/yaml;charset=utf-8");
    // The arrows of the order lifecycle's description: UTF-8, as the charset says.
    assertThat(new String(yaml.body(), StandardCharsets.UTF_8)).contains("pending → confirmed");

    HttpResponse<byte[]> json = get(SPEC + ".json");
    assertThat(json.statusCode()).isEqualTo(200);
    assertThat(json.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
    JsonNode fromYaml = new YAMLMapper().readTree(yaml.body());
    assertThat(new ObjectMapper().readTree(json.body())).isEqualTo(fromYaml);
    assertThat(fromYaml.at("/components/securitySchemes/apiKey/name").asText())
        .isEqualTo(ApiKeyAuthenticationFetcher.HEADER);
  }

  /**
   * What an api-only instance says about the consumers, as the document describes it: no lag where
   * it consumes nothing (was NaN, sent as the string "NaN"), and every list present even when empty
   * (was left out, though required).
   */
  @Test
  void statusOfAnInstanceWithoutConsumersMatchesItsSchema() throws Exception {
    JsonNode status = getJson("/ops/status");
    assertThat(status.path("feeds").size()).as(status.toString()).isPositive();
    for (JsonNode feed : status.path("feeds")) {
      assertThat(feed.has("watermarkLagSeconds")).as(feed.toString()).isFalse();
      assertThat(feed.path("lanes").isArray()).as(feed.toString()).isTrue();
      assertThat(feed.path("lanes")).isEmpty();
    }
  }

  /** A message that could not be decoded failed before any subprocessor: it names none. */
  @Test
  void anUndecodableDeadLetterHasNoSubprocessor() throws Exception {
    try (var c = platform.dataSource().getConnection();
        var s = c.createStatement()) {
      s.execute(
          "INSERT INTO dead_letters (source_topic, source_partition, source_offset, subprocessor,"
              + " dead_letter_topic, error_class, error_message, attempts, first_failure_at,"
              + " last_failure_at, status) VALUES ('orders', 0, 7, '', 'orders.dlq',"
              + " 'DecodeException', 'not JSON', 1, now(), now(), 'resolved')");
    }
    // Resolved: were schemathesis to re-drive it, that must not reach for this instance's Kafka.
    JsonNode letters = getJson("/ops/dead-letters?status=resolved");
    JsonNode letter = letters.get(0);
    assertThat(letter.path("sourceOffset").asLong()).as(letters.toString()).isEqualTo(7);
    assertThat(letter.has("subprocessor")).as(letter.toString()).isFalse();
  }

  private static JsonNode getJson(String path) throws IOException, InterruptedException {
    HttpResponse<byte[]> r =
        CLIENT.send(
            HttpRequest.newBuilder(URI.create(platform.base() + path))
                .header(ApiKeyAuthenticationFetcher.HEADER, KEY)
                .timeout(Duration.ofSeconds(60))
                .build(),
            HttpResponse.BodyHandlers.ofByteArray());
    assertThat(r.statusCode()).as(new String(r.body(), StandardCharsets.UTF_8)).isEqualTo(200);
    return new ObjectMapper().readTree(r.body());
  }

  /**
   * The binary {@code deploy/install-test-tools.sh} installs, in this checkout's {@code .tools}; a
   * missing one fails the test (never skips it), naming the script.
   */
  private static Path schemathesis() {
    for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
      Path candidate = dir.resolve(".tools/bin/schemathesis");
      if (Files.isExecutable(candidate)) return candidate;
    }
    throw new AssertionError(
        "schemathesis is not installed (.tools/bin/schemathesis): run `bash"
            + " deploy/install-test-tools.sh` (./stockflow test runs it first)");
  }

  /**
   * The first request of each kind creates beans and loads classes, which on a busy machine can
   * take longer than schemathesis waits; it is not what the contract is about.
   */
  private static void warmUp() throws IOException, InterruptedException {
    for (String path : List.of("/ops/status", "/inventory/WARM-UP", "/reservations/warm-up")) {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(platform.base() + path))
              .header(ApiKeyAuthenticationFetcher.HEADER, KEY)
              .timeout(Duration.ofSeconds(60))
              .build();
      CLIENT.send(request, HttpResponse.BodyHandlers.discarding());
    }
  }

  private static HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
    return CLIENT.send(
        HttpRequest.newBuilder(URI.create(platform.base() + path))
            .timeout(Duration.ofSeconds(60))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  /** The last non-blank line schemathesis printed. */
  private static String summary(String output) {
    String[] lines = output.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static Path resource(String name) throws URISyntaxException {
    return Path.of(ApiContractIT.class.getClassLoader().getResource(name).toURI());
  }
}
