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
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The platform's image as Jib wrote it at pre-integration-test (target/jib-image.tar, `docker load`
 * format): its config (entrypoint, user, environment) and what its layers hold.
 */
class ImageTarballIT {
  static final Path TARBALL = Path.of("target/jib-image.tar");
  static final String MAIN = "io.stockflow.platform.StockflowApplication";

  static JsonNode manifest;
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
    manifest = json.readTree(outer.get("manifest.json")).get(0);
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

  /**
   * The image run as a container runtime would: its layers unpacked into a root of their own, its
   * entrypoint started there as its user, with its environment plus the role. A role that does not
   * exist makes the platform stop at once with its own message, which proves the runtime, the
   * shared libraries, the classpath and the main class all work inside the image (and needs no
   * database). Needs root and mount namespaces (for /proc, which the launcher reads); CI has both.
   */
  @Test
  void theEntrypointStartsThePlatformInsideTheImagesOwnRoot(@TempDir Path dir) throws Exception {
    Assumptions.assumeTrue(
        "root".equals(System.getProperty("user.name"))
            && run(dir, List.of("unshare", "--mount", "true")).exitCode() == 0,
        "starting the image needs root and mount namespaces (chroot, /proc)");
    Path unpacked = Files.createDirectories(dir.resolve("tarball"));
    Path root = Files.createDirectories(dir.resolve("rootfs"));
    run(unpacked, List.of("tar", "-xf", TARBALL.toAbsolutePath().toString())).succeeded();
    for (JsonNode layer : manifest.get("Layers")) {
      // In order, as a runtime stacks them; GNU tar recognises gzip by itself.
      run(root, List.of("tar", "-xf", unpacked.resolve(layer.asText()).toString())).succeeded();
    }
    // Only the image's environment (plus the role), as in a container.
    List<String> command = new ArrayList<>(List.of("env", "-i"));
    command.addAll(strings(config.at("/config/Env")));
    command.add("STOCKFLOW_ROLES=no-such-role");
    command.addAll(
        List.of(
            "/usr/bin/unshare",
            "--mount",
            "/bin/sh",
            "-c",
            // $0 the root, $1 the user, then the entrypoint.
            "user=$1; shift; mount -t proc proc \"$0/proc\""
                + " && exec /usr/sbin/chroot --userspec=\"$user\" \"$0\" \"$@\"",
            root.toString(),
            config.at("/config/User").asText()));
    command.addAll(strings(config.at("/config/Entrypoint")));
    Command started = run(dir, command);
    assertThat(started.exitCode()).as(started.stderr()).isEqualTo(1);
    // (The known roles are listed in a Set's order.)
    assertThat(started.stderr())
        .contains(
            "IllegalArgumentException: unknown role(s) [no-such-role] in stockflow.roles; known: ",
            "at io.stockflow.platform.StockflowApplication.main");
  }

  private static Command run(Path dir, List<String> command) throws Exception {
    return Command.run(dir, Map.of(), Duration.ofMinutes(2), command);
  }

  private static List<String> strings(JsonNode array) {
    List<String> list = new ArrayList<>();
    array.forEach(n -> list.add(n.asText()));
    return list;
  }
}
