import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;
import org.flywaydb.core.Flyway;
import org.jooq.codegen.GenerationTool;
import org.jooq.meta.jaxb.Configuration;
import org.jooq.meta.jaxb.Database;
import org.jooq.meta.jaxb.Generate;
import org.jooq.meta.jaxb.Generator;
import org.jooq.meta.jaxb.Jdbc;
import org.jooq.meta.jaxb.Target;

/**
 * Build step (generate-sources): migrate a throw-away embedded PostgreSQL with the real migrations,
 * then let jOOQ read the resulting schema. No Docker needed. Skipped when the migrations have not
 * changed since the last run.
 *
 * <p>Run by exec-maven-plugin as a Java single-file program: {@code java -cp <deps>
 * JooqCodegen.java migrations out stampDir}.
 */
public class JooqCodegen {
  public static void main(String[] args) throws Exception {
    Path migrations = Path.of(args[0]);
    Path out = Path.of(args[1]);
    Path stampDir = Path.of(args[2]);
    Path stamp = stampDir.resolve("migrations.sha256");
    String digest = digest(migrations);
    if (Files.isDirectory(out) && Files.exists(stamp) && Files.readString(stamp).equals(digest)) {
      System.out.println("[jooq-codegen] migrations unchanged, generated classes are current");
      return;
    }
    System.out.println(
        "[jooq-codegen] migrating an embedded PostgreSQL and generating jOOQ classes");
    try (EmbeddedPostgres pg = EmbeddedPostgres.builder().start()) {
      Flyway.configure()
          .dataSource(pg.getPostgresDatabase())
          .locations(
              "filesystem:" + migrations.resolve("common"),
              "filesystem:" + migrations.resolve("postgresql"))
          .load()
          .migrate();
      Configuration config =
          new Configuration()
              .withJdbc(
                  new Jdbc()
                      .withDriver("org.postgresql.Driver")
                      .withUrl(pg.getJdbcUrl("postgres", "postgres"))
                      .withUser("postgres"))
              .withGenerator(
                  new Generator()
                      .withDatabase(
                          new Database()
                              .withName("org.jooq.meta.postgres.PostgresDatabase")
                              .withInputSchema("public")
                              .withOutputSchemaToDefault(true)
                              .withExcludes("flyway_schema_history|stockflow_touch_last_updated"))
                      .withGenerate(
                          new Generate()
                              .withRecords(true)
                              .withPojos(false)
                              .withRoutines(false)
                              .withJavaTimeTypes(true))
                      .withTarget(
                          new Target()
                              .withPackageName("io.stockflow.db.jooq")
                              .withDirectory(out.toString())));
      GenerationTool.generate(config);
    }
    Files.createDirectories(stampDir);
    Files.writeString(stamp, digest);
  }

  private static String digest(Path dir) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
        md.update(dir.relativize(f).toString().getBytes(StandardCharsets.UTF_8));
        md.update(Files.readAllBytes(f));
      }
    }
    return HexFormat.of().formatHex(md.digest());
  }
}
