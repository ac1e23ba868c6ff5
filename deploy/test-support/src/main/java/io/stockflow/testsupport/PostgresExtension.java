package io.stockflow.testsupport;

import static org.awaitility.Awaitility.await;

import io.stockflow.embedded.EmbeddedPostgresServer;
import io.stockflow.embedded.Ports;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import javax.sql.DataSource;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestInstanceFactoryContext;
import org.junit.jupiter.api.extension.TestInstancePreConstructCallback;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * One embedded PostgreSQL (logical WAL, as the changefeed bridge needs) per test JVM, and a fresh
 * database for each test class, cloned from a template database that {@code initialiser} filled
 * once: {@code CREATE DATABASE … TEMPLATE …} copies a migrated schema in a fraction of the time the
 * migrations take. Register it on a static field:
 *
 * <pre>{@code
 * @RegisterExtension
 * static final PostgresExtension postgres =
 *     PostgresExtension.withTemplate("migrated", Database::migrate);
 * ... postgres.dataSource(), postgres.jdbcUrl()
 * }</pre>
 *
 * <p>The class's database exists before its {@code @BeforeAll} methods run, and for a {@code
 * PER_CLASS} test class already before its instance is created (so a Micronaut {@code
 * TestPropertyProvider} can hand out its URL). After the class it is dropped, together with the
 * logical replication slots a changefeed bridge created in it (slot names are server-wide, so the
 * next class can reuse them).
 *
 * <p>The accessors refer to the test class that is running: classes of one JVM run one after the
 * other (JUnit's default; parallel class execution is refused with an exception). Server-wide
 * settings a test changes ({@code ALTER SYSTEM}) it must reset itself.
 */
public final class PostgresExtension
    implements BeforeAllCallback, TestInstancePreConstructCallback {
  private static final String SERVER = "postgres";
  private static final AtomicInteger DATABASES = new AtomicInteger();

  private final String template;
  private final Consumer<DataSource> initialiser;
  private final AtomicReference<ClassDatabase> current = new AtomicReference<>();

  private PostgresExtension(String template, Consumer<DataSource> initialiser) {
    this.template = "template_" + identifier(template);
    this.initialiser = initialiser;
  }

  /**
   * Each test class gets a copy of the template database {@code name}, which the first class that
   * asks for it creates with {@code initialiser} (e.g. {@code Database::migrate}). Every class
   * naming the same template must pass the same initialiser.
   */
  public static PostgresExtension withTemplate(String name, Consumer<DataSource> initialiser) {
    return new PostgresExtension(name, initialiser);
  }

  /** JDBC URL of the running class's database (user in the URL, no password). */
  public String jdbcUrl() {
    return running().jdbcUrl;
  }

  /** An unpooled DataSource of the running class's database. */
  public DataSource dataSource() {
    return running().dataSource;
  }

  /** The running class's database name. */
  public String databaseName() {
    return running().name;
  }

  @Override
  public void preConstructTestInstance(
      TestInstanceFactoryContext factory, ExtensionContext context) {
    // PER_CLASS: the instance is created before any beforeAll callback, and another extension's
    // beforeAll (Micronaut's, which asks the instance for its properties) may run before ours.
    if (context.getTestInstanceLifecycle().orElse(null) == TestInstance.Lifecycle.PER_CLASS)
      open(context);
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    open(context);
  }

  private void open(ExtensionContext classContext) {
    classContext
        .getStore(SharedServers.NAMESPACE)
        .getOrComputeIfAbsent(
            this,
            k -> {
              Server server = SharedServers.get(classContext, SERVER, Server.class, Server::start);
              classContext
                  .getRoot()
                  .getStore(SharedServers.NAMESPACE)
                  .getOrComputeIfAbsent(
                      "postgres-" + template, t -> server.createTemplate(template, initialiser));
              ClassDatabase db =
                  new ClassDatabase(
                      server,
                      "t"
                          + DATABASES.incrementAndGet()
                          + "_"
                          + identifier(classContext.getRequiredTestClass().getSimpleName()));
              server.execute("CREATE DATABASE " + db.name + " TEMPLATE " + template);
              if (!current.compareAndSet(null, db)) {
                db.close();
                throw new IllegalStateException(
                    "test classes using one PostgresExtension must not run in parallel");
              }
              return db;
            },
            ClassDatabase.class);
  }

  private ClassDatabase running() {
    ClassDatabase db = current.get();
    if (db == null)
      throw new IllegalStateException(
          "no test class is running: the database exists from the class's start to its end");
    return db;
  }

  /** A lower-case SQL identifier made of {@code text}, at most 40 characters. */
  private static String identifier(String text) {
    String id = text.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9_]", "_");
    return id.length() > 40 ? id.substring(0, 40) : id;
  }

  /** The database of one test class; closing drops it. */
  private final class ClassDatabase implements AutoCloseable {
    final Server server;
    final String name;
    final String jdbcUrl;
    final DataSource dataSource;

    ClassDatabase(Server server, String name) {
      this.server = server;
      this.name = name;
      this.jdbcUrl = server.jdbcUrl(name);
      this.dataSource = server.dataSource(name);
    }

    @Override
    public void close() {
      current.compareAndSet(this, null);
      server.drop(name);
    }
  }

  /** The JVM's PostgreSQL server. */
  static final class Server implements AutoCloseable {
    private final EmbeddedPostgresServer postgres;

    private Server(EmbeddedPostgresServer postgres) {
      this.postgres = postgres;
    }

    static Server start(java.nio.file.Path dir) {
      return new Server(EmbeddedPostgresServer.startForTests(dir.resolve("data"), Ports.free()));
    }

    String jdbcUrl(String database) {
      return "jdbc:postgresql://"
          + Ports.LOOPBACK
          + ":"
          + postgres.port()
          + "/"
          + database
          + "?user="
          + EmbeddedPostgresServer.USER;
    }

    DataSource dataSource(String database) {
      PGSimpleDataSource ds = new PGSimpleDataSource();
      ds.setURL(jdbcUrl(database));
      return ds;
    }

    /** Creates and fills the template; no connection to it may stay open (cloning needs that). */
    String createTemplate(String name, Consumer<DataSource> initialiser) {
      execute("CREATE DATABASE " + name);
      initialiser.accept(dataSource(name));
      execute("ALTER DATABASE " + name + " WITH IS_TEMPLATE true ALLOW_CONNECTIONS false");
      return name;
    }

    /**
     * Drops {@code database}: first its logical replication slots (an active one's walsender is
     * terminated; DROP DATABASE refuses while a slot exists), then the database and its sessions.
     */
    void drop(String database) {
      try (Connection c = admin()) {
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots"
                    + " WHERE database = ? AND active_pid IS NOT NULL")) {
          s.setString(1, database);
          s.executeQuery().close();
        }
        await("replication slots of " + database + " released")
            .atMost(Duration.ofSeconds(30))
            .until(() -> !hasActiveSlot(c, database));
        try (PreparedStatement s =
            c.prepareStatement(
                "SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots"
                    + " WHERE database = ?")) {
          s.setString(1, database);
          s.executeQuery().close();
        }
        try (Statement s = c.createStatement()) {
          s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
        }
      } catch (SQLException e) {
        throw new IllegalStateException("cannot drop test database " + database, e);
      }
    }

    private static boolean hasActiveSlot(Connection c, String database) throws SQLException {
      try (PreparedStatement s =
          c.prepareStatement("SELECT 1 FROM pg_replication_slots WHERE database = ? AND active")) {
        s.setString(1, database);
        try (ResultSet rs = s.executeQuery()) {
          return rs.next();
        }
      }
    }

    void execute(String sql) {
      try (Connection c = admin();
          Statement s = c.createStatement()) {
        s.execute(sql);
      } catch (SQLException e) {
        throw new IllegalStateException(sql + ": " + e.getMessage(), e);
      }
    }

    private Connection admin() throws SQLException {
      return DriverManager.getConnection(jdbcUrl("postgres"));
    }

    @Override
    public void close() {
      postgres.close();
    }
  }
}
