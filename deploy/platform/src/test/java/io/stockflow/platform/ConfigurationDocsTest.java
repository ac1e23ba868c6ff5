package io.stockflow.platform;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.DefaultBeanContext;
import io.micronaut.context.annotation.ConfigurationReader;
import io.micronaut.core.bind.annotation.Bindable;
import io.micronaut.core.naming.NameUtils;
import io.micronaut.core.type.Argument;
import io.micronaut.inject.BeanDefinition;
import io.micronaut.inject.BeanDefinitionReference;
import io.stockflow.db.DatabaseConfiguration;
import io.stockflow.db.EnvironmentSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * docs/configuration.md cannot drift from the configuration records: every {@code stockflow.*}
 * property a {@code @ConfigurationProperties} record on the platform's classpath binds has a row
 * there, with the environment variable Micronaut maps to it and the record's default.
 */
class ConfigurationDocsTest {
  static final Path DOCS = Path.of("../../docs/configuration.md");

  /** A row of the table: the cells with their backticks removed. */
  record Row(String property, String variable, String defaultValue) {}

  /** A property a record binds, with its {@code @Bindable} default if it has one. */
  record Bound(String record, String property, boolean map, Optional<String> defaultValue) {}

  static Map<String, Row> documented;
  static List<Bound> bound;

  @BeforeAll
  static void read() throws IOException {
    documented = rows(Files.readAllLines(DOCS));
    bound = boundProperties();
  }

  @Test
  void theRecordsOfEveryModuleAreFoundWithTheirDefaults() {
    Set<String> prefixes = new TreeSet<>();
    bound.forEach(b -> prefixes.add(b.property().substring(0, b.property().lastIndexOf('.'))));
    assertThat(prefixes)
        .contains(
            "stockflow",
            "stockflow.database",
            "stockflow.kafka",
            "stockflow.temporal",
            "stockflow.worker",
            "stockflow.changefeed",
            "stockflow.retention",
            "stockflow.channel-sync",
            "stockflow.orders",
            "stockflow.reservations",
            "stockflow.reservations.sweep");
    assertThat(bound)
        .contains(
            new Bound(
                DatabaseConfiguration.class.getName(),
                "stockflow.database.pool-size",
                false,
                Optional.of("20")),
            new Bound(
                ChangefeedConfiguration.class.getName(),
                "stockflow.changefeed.tables",
                true,
                Optional.empty()));
  }

  @Test
  void everyBoundPropertyHasARow() {
    List<String> missing = new ArrayList<>();
    for (Bound b : bound) if (row(b).isEmpty()) missing.add(b.property() + " (" + b.record() + ")");
    assertThat(missing).as("properties missing in " + DOCS).isEmpty();
  }

  @Test
  void everyRowNamesTheEnvironmentVariableMicronautMapsToItsProperty() {
    documented.values().stream()
        .filter(r -> r.property().startsWith("stockflow.") && !r.property().contains("<"))
        .forEach(
            r ->
                assertThat(r.variable())
                    .as(r.property())
                    .isEqualTo(EnvironmentSettings.variable(r.property())));
  }

  @Test
  void everyDocumentedDefaultIsTheRecordsDefault() {
    for (Bound b : bound) {
      Optional<Row> row = row(b);
      if (row.isEmpty()) continue; // reported by everyBoundPropertyHasARow
      if (b.defaultValue().isPresent())
        assertThat(row.get().defaultValue()).as(b.property()).isEqualTo(b.defaultValue().get());
      else
        assertThat(row.get().defaultValue())
            .as(b.property() + " has no default in its record: say what applies")
            .isNotBlank();
    }
  }

  private static Optional<Row> row(Bound b) {
    if (!b.map()) return Optional.ofNullable(documented.get(b.property()));
    // A map is documented per key: stockflow.changefeed.tables.<table>.
    return documented.values().stream()
        .filter(r -> r.property().startsWith(b.property() + ".<"))
        .findFirst();
  }

  /** The rows of the docs' table whose first cell is a property, by property. */
  static Map<String, Row> rows(List<String> lines) {
    Map<String, Row> rows = new LinkedHashMap<>();
    for (String line : lines) {
      if (!line.startsWith("| `")) continue;
      String[] cells = line.split("\\|");
      // cells[0] is the empty text before the first bar.
      Row row = new Row(plain(cells[1]), plain(cells[2]), plain(cells[3]));
      rows.put(row.property(), row);
    }
    assertThat(rows).as("rows of " + DOCS).isNotEmpty();
    return rows;
  }

  private static String plain(String cell) {
    return cell.trim().replace("`", "");
  }

  /**
   * Every constructor argument of every {@code @ConfigurationProperties} bean under {@code
   * stockflow}, read from the bean definitions Micronaut generated (no context is started).
   */
  static List<Bound> boundProperties() {
    List<Bound> out = new ArrayList<>();
    try (var context = new DefinitionReader()) {
      for (BeanDefinitionReference<?> ref : context.references()) {
        Optional<String> prefix = ref.stringValue(ConfigurationReader.class, "prefix");
        if (prefix.isEmpty() || !(prefix.get() + ".").startsWith("stockflow.")) continue;
        BeanDefinition<?> definition = ref.load();
        for (Argument<?> a : definition.getConstructor().getArguments()) {
          out.add(
              new Bound(
                  definition.getBeanType().getName(),
                  prefix.get() + "." + NameUtils.hyphenate(a.getName()),
                  Map.class.isAssignableFrom(a.getType()),
                  a.getAnnotationMetadata().stringValue(Bindable.class, "defaultValue")));
        }
      }
    }
    return out;
  }

  /**
   * The bean definition references on the classpath, read the way a starting context reads them.
   */
  private static final class DefinitionReader extends DefaultBeanContext {
    @SuppressWarnings({"rawtypes", "unchecked"})
    List<BeanDefinitionReference<?>> references() {
      return (List) resolveBeanDefinitionReferences();
    }
  }
}
