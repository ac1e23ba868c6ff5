package io.stockflow.stock;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each status enum lists exactly the values its column's CHECK constraint allows, in the same
 * order, so code and schema cannot drift apart: a migration that adds a status fails this test
 * until the enum has it too.
 */
class SchemaVocabularyTest {
  private static final Pattern CHECK_IN =
      Pattern.compile(
          "CONSTRAINT\\s+(\\w+)\\s+CHECK\\s*\\(\\s*\\w+\\s+IN\\s*\\(([^)]*)\\)", Pattern.DOTALL);

  @ParameterizedTest(name = "{0} = {1}")
  @CsvSource({
    "reservations_status_valid, ReservationStatus",
    "orders_status_valid, OrderStatus",
    "purchase_orders_status_valid, PurchaseOrderStatus",
    "alerts_status_valid, AlertStatus",
    "alerts_severity_valid, AlertSeverity",
    "channel_availability_status_valid, AvailabilityStatus",
    "inventory_adjustments_kind_valid, AdjustmentKind"
  })
  void eachEnumListsTheValuesOfItsCheckConstraint(String constraint, String enumName)
      throws Exception {
    Class<?> type = Class.forName("io.stockflow.stock." + enumName);
    List<String> codes =
        Arrays.stream(type.getEnumConstants()).map(c -> ((DbCode) c).code()).toList();
    assertThat(codes).isEqualTo(latestChecks().get(constraint));
  }

  /**
   * Constraint name → allowed values, as the last migration (by version) that states it says. Only
   * the vendor-neutral migrations: the vendor directories only re-add constraints that {@code
   * common} states.
   */
  private static Map<String, List<String>> latestChecks() throws IOException, URISyntaxException {
    Path dir =
        Path.of(
            Objects.requireNonNull(
                    SchemaVocabularyTest.class.getClassLoader().getResource("db/migration/common"))
                .toURI());
    List<Path> migrations;
    try (Stream<Path> files = Files.list(dir)) {
      migrations =
          files
              .filter(p -> p.getFileName().toString().endsWith(".sql"))
              .sorted((a, b) -> Integer.compare(version(a), version(b)))
              .toList();
    }
    Map<String, List<String>> checks = new HashMap<>();
    for (Path migration : migrations) {
      Matcher m = CHECK_IN.matcher(Files.readString(migration));
      while (m.find()) {
        checks.put(
            m.group(1),
            Arrays.stream(m.group(2).split(",")).map(v -> v.strip().replace("'", "")).toList());
      }
    }
    return checks;
  }

  private static int version(Path migration) {
    String name = migration.getFileName().toString();
    return Integer.parseInt(name.substring(1, name.indexOf("__")));
  }
}
