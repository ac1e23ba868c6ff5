package io.stockflow.deploy.artifacts;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The platform's image as Jib wrote it at pre-integration-test (target/jib-image.tar, `docker load`
 * format): its config (entrypoint, user, environment) and what its layers hold.
 */
class ImageTarballIT {
  static final Path TARBALL = Path.of("target/jib-image.tar");
  static final String MAIN = "io.stockflow.platform.StockflowApplication";

  static JsonNode config;

  /** Every file of every layer, by path; contents kept for the few files the tests read. */
  static Map<String, byte[]> files = new HashMap<>();

  @BeforeAll
  static void open() throws IOException {
    assertThat(TARBALL).as("built by jib:buildTar at pre-integration-test").isRegularFile();
    Map<String, byte[]> outer;
    try (InputStream in = new BufferedInputStream(Files.newInputStream(TARBALL))) {
      outer = Tar.read(in, name -> true);
    }
    ObjectMapper json = new ObjectMapper();
    JsonNode manifest = json.readTree(outer.get("manifest.json")).get(0);
    config = json.readTree(outer.get(manifest.get("Config").asText()));
    for (JsonNode layer : manifest.get("Layers")) {
      byte[] blob = outer.get(layer.asText());
      assertThat(blob).as(layer.asText()).isNotNull();
      try (InputStream in = layerStream(blob)) {
        files.putAll(
            Tar.read(
                in, name -> name.equals("etc/passwd") || name.equals("app/jib-classpath-file")));
      }
    }
  }

  /** Jib writes its own layers gzipped; the base's layer comes as the base tarball held it. */
  private static InputStream layerStream(byte[] blob) throws IOException {
    InputStream raw = new ByteArrayInputStream(blob);
    return blob.length > 2 && (blob[0] & 0xff) == 0x1f && (blob[1] & 0xff) == 0x8b
        ? new GZIPInputStream(raw)
        : raw;
  }

  @Test
  void runsThePlatformsMainClassWithJava() {
    List<String> entrypoint = strings(config.at("/config/Entrypoint"));
    assertThat(entrypoint.get(0)).isEqualTo("java");
    assertThat(entrypoint).contains("-cp", "-XX:+ExitOnOutOfMemoryError");
    assertThat(entrypoint.get(entrypoint.size() - 1)).isEqualTo(MAIN);
    // No arguments by default: `migrate` (the migration job) or nothing (a role) is appended.
    assertThat(
            config.at("/config/Cmd").isMissingNode()
                || config.at("/config/Cmd").isNull()
                || config.at("/config/Cmd").isEmpty())
        .as("Cmd %s", config.at("/config/Cmd"))
        .isTrue();
  }

  @Test
  void runsAsANonRootUserThatExistsInTheImage() {
    assertThat(config.at("/config/User").asText()).isEqualTo("10001:10001");
    String passwd = new String(files.get("etc/passwd"), StandardCharsets.UTF_8);
    assertThat(passwd).contains("stockflow:x:10001:10001:");
  }

  @Test
  void rolesAndTheListenAddressComeFromTheEnvironment() {
    List<String> env = strings(config.at("/config/Env"));
    assertThat(env)
        .contains("STOCKFLOW_ROLES=api,consumer,worker", "STOCKFLOW_API_HOST=0.0.0.0")
        .anyMatch(e -> e.startsWith("PATH=") && e.contains("/opt/java/bin"));
    assertThat(config.at("/config/ExposedPorts").has("8080/tcp")).isTrue();
  }

  @Test
  void holdsTheJavaRuntimeAndThePlatformWithItsDependencies() {
    assertThat(files).containsKey("opt/java/bin/java").containsKey("opt/java/lib/server/libjvm.so");
    String classpath = new String(files.get("app/jib-classpath-file"), StandardCharsets.UTF_8);
    List<String> jars = new ArrayList<>(List.of(classpath.trim().split(":")));
    assertThat(jars).anyMatch(j -> j.matches("/app/libs/platform-.*\\.jar"));
    assertThat(jars).anyMatch(j -> j.matches("/app/libs/api-.*\\.jar"));
    assertThat(jars).anyMatch(j -> j.matches("/app/libs/temporal-sdk-.*\\.jar"));
    for (String jar : jars) {
      if (jar.endsWith(".jar"))
        assertThat(files).as("classpath entry").containsKey(jar.substring(1));
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }
}
