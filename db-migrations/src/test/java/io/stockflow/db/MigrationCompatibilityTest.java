package io.stockflow.db;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * There is no CockroachDB binary in CI, so this test reads the shared migrations for constructs
 * that CockroachDB rejects or that mean something different there. It cannot prove compatibility;
 * it catches the usual mistakes.
 */
class MigrationCompatibilityTest {
  private static final Path MIGRATIONS = Path.of("src/main/resources/db/migration");

  /** Pattern → why it is not allowed in db/migration/common. */
  private static final List<Rule> RULES =
      List.of(
          new Rule(
              "\\b(BIG|SMALL)?SERIAL\\b",
              "SERIAL is a sequence hot spot on CockroachDB and INT4 vs INT8 differs"),
          new Rule(
              "\\bCREATE\\s+SEQUENCE\\b|\\bnextval\\s*\\(",
              "sequences serialise inserts on CockroachDB"),
          new Rule(
              "\\b(INT|INTEGER|INT4)\\b(?!\\s*\\()",
              "bare INT is INT4 on PostgreSQL but INT8 on CockroachDB: say BIGINT"),
          new Rule(
              "\\bCREATE\\s+(OR\\s+REPLACE\\s+)?FUNCTION\\b|\\bplpgsql\\b",
              "functions differ: vendor folder only"),
          new Rule("\\bCREATE\\s+TRIGGER\\b", "triggers differ: vendor folder only"),
          new Rule(
              "\\bON\\s+UPDATE\\s+now\\(\\)", "ON UPDATE is CockroachDB-only: vendor folder only"),
          new Rule("\\bCREATE\\s+EXTENSION\\b", "CockroachDB has no extensions"),
          new Rule("\\bDEFERRABLE\\b", "CockroachDB does not support deferrable constraints"),
          new Rule("\\bEXCLUDE\\s+USING\\b", "exclusion constraints are PostgreSQL-only"),
          new Rule(
              "\\bINHERITS\\b|\\bUNLOGGED\\b|\\bCREATE\\s+RULE\\b",
              "PostgreSQL-only table features"),
          new Rule(
              "\\b(MONEY|XML|TSVECTOR|CIDR|MACADDR)\\b",
              "type unsupported or different on CockroachDB"),
          new Rule("\\bNOTIFY\\b|\\bLISTEN\\b", "LISTEN/NOTIFY does not exist on CockroachDB"),
          new Rule(
              "\\bJSON\\b(?!B)",
              "use JSONB (CockroachDB's JSON is JSONB; PostgreSQL's JSON is text)"),
          new Rule(
              "\\bTIMESTAMP\\b(?!TZ)",
              "use TIMESTAMPTZ: changefeeds encode timestamps without zone differently"));

  record Rule(String regex, String why) {
    Pattern pattern() {
      return Pattern.compile(regex, Pattern.CASE_INSENSITIVE);
    }
  }

  /** What a vendor folder may do that the shared folder may not: the rules it is exempt from. */
  private static final Map<String, Set<String>> VENDOR_EXEMPT =
      Map.of(
          "common", Set.of(),
          "postgresql",
              Set.of("functions differ: vendor folder only", "triggers differ: vendor folder only"),
          "cockroachdb", Set.of("ON UPDATE is CockroachDB-only: vendor folder only"));

  @Test
  void everyMigrationAvoidsConstructsCockroachDbRejectsOrTheOtherVendorLacks() throws IOException {
    List<String> problems = new ArrayList<>();
    for (var folder : VENDOR_EXEMPT.entrySet()) {
      for (Path file : sqlFiles(MIGRATIONS.resolve(folder.getKey()))) {
        List<String> lines = Files.readAllLines(file);
        for (int i = 0; i < lines.size(); i++) {
          String code = lines.get(i).replaceAll("--.*$", "");
          for (Rule rule : RULES) {
            if (folder.getValue().contains(rule.why())) continue;
            Matcher m = rule.pattern().matcher(code);
            if (m.find())
              problems.add(
                  folder.getKey()
                      + "/"
                      + file.getFileName()
                      + ":"
                      + (i + 1)
                      + " '"
                      + m.group()
                      + "': "
                      + rule.why());
          }
        }
      }
    }
    assertThat(problems).as("incompatible constructs in db/migration").isEmpty();
  }

  /**
   * CockroachDB refuses to drop a constraint and add one with the same name in one transaction
   * (cockroach#55184), and Flyway runs each migration in one unless its {@code .sql.conf} says
   * {@code executeInTransaction=false}.
   */
  @Test
  void noMigrationCockroachDbRunsReAddsADroppedConstraintInOneTransaction() throws IOException {
    List<String> problems = new ArrayList<>();
    for (String folder : List.of("common", "cockroachdb"))
      for (Path file : sqlFiles(MIGRATIONS.resolve(folder))) {
        Set<String> reAdded = reAddedConstraints(Files.readString(file));
        if (!reAdded.isEmpty() && !runsOutsideATransaction(file))
          problems.add(folder + "/" + file.getFileName() + " re-adds " + reAdded);
      }
    assertThat(problems).as("drop + add of one constraint name in one transaction").isEmpty();
  }

  @Test
  void theReAddCheckSeesTheCaseItIsFor() {
    assertThat(
            reAddedConstraints(
                "ALTER TABLE alerts DROP CONSTRAINT alerts_kind_valid;\n"
                    + "ALTER TABLE alerts ADD CONSTRAINT alerts_kind_valid CHECK (kind IN ('a'));"))
        .containsExactly("alerts_kind_valid");
    assertThat(
            reAddedConstraints(
                "ALTER TABLE alerts DROP CONSTRAINT a_old; ALTER TABLE alerts ADD CONSTRAINT a_new CHECK (true);"))
        .isEmpty();
  }

  private static final Pattern DROPPED =
      Pattern.compile("DROP\\s+CONSTRAINT\\s+(IF\\s+EXISTS\\s+)?(\\w+)", Pattern.CASE_INSENSITIVE);
  private static final Pattern ADDED =
      Pattern.compile("ADD\\s+CONSTRAINT\\s+(\\w+)", Pattern.CASE_INSENSITIVE);

  private static Set<String> reAddedConstraints(String sql) {
    String code = sql.replaceAll("--[^\\n]*", "");
    Set<String> dropped = new TreeSet<>();
    Matcher d = DROPPED.matcher(code);
    while (d.find()) dropped.add(d.group(2).toLowerCase());
    Set<String> reAdded = new TreeSet<>();
    Matcher a = ADDED.matcher(code);
    while (a.find()) if (dropped.contains(a.group(1).toLowerCase())) reAdded.add(a.group(1));
    return reAdded;
  }

  private static boolean runsOutsideATransaction(Path sql) throws IOException {
    Path conf = sql.resolveSibling(sql.getFileName() + ".conf");
    return Files.exists(conf)
        && Files.readAllLines(conf).stream()
            .map(String::trim)
            .anyMatch(l -> l.equals("executeInTransaction=false"));
  }

  @Test
  void rulesCatchTheConstructsTheyName() {
    assertThat(matches("id SERIAL PRIMARY KEY")).isTrue();
    assertThat(matches("qty INT NOT NULL")).isTrue();
    assertThat(matches("qty BIGINT NOT NULL")).isFalse();
    assertThat(matches("at TIMESTAMP NOT NULL")).isTrue();
    assertThat(matches("at TIMESTAMPTZ NOT NULL")).isFalse();
    assertThat(matches("doc JSON")).isTrue();
    assertThat(matches("doc JSONB")).isFalse();
  }

  @Test
  void everyVendorSpecificVersionExistsForBothVendors() throws IOException {
    Set<String> pg = versions(MIGRATIONS.resolve("postgresql"));
    Set<String> crdb = versions(MIGRATIONS.resolve("cockroachdb"));
    assertThat(pg).isNotEmpty().isEqualTo(crdb);
    assertThat(versions(MIGRATIONS.resolve("common"))).doesNotContainAnyElementsOf(pg);
  }

  private static boolean matches(String sql) {
    return RULES.stream().anyMatch(r -> r.pattern().matcher(sql).find());
  }

  private static List<Path> sqlFiles(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.toString().endsWith(".sql")).sorted().toList();
    }
  }

  private static Set<String> versions(Path dir) throws IOException {
    Set<String> out = new TreeSet<>();
    for (Path p : sqlFiles(dir)) out.add(p.getFileName().toString().replaceAll("__.*", ""));
    return out;
  }
}
