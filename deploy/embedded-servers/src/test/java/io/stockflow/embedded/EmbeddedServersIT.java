package io.stockflow.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedServersIT {
  @TempDir Path dir;

  @Test
  void postgresRunsWithLogicalWalAndKeepsDataAcrossRestart() throws Exception {
    int port = Ports.free();
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"), port)) {
      try (Connection c = pg.dataSource().getConnection();
          Statement s = c.createStatement()) {
        try (ResultSet rs = s.executeQuery("SHOW wal_level")) {
          rs.next();
          assertThat(rs.getString(1)).isEqualTo("logical");
        }
        s.execute("CREATE TABLE kept (v int)");
        s.execute("INSERT INTO kept VALUES (42)");
      }
    }
    try (EmbeddedPostgresServer pg = EmbeddedPostgresServer.start(dir.resolve("pg"), port);
        Connection c = pg.dataSource().getConnection();
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("SELECT v FROM kept")) {
      rs.next();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
  }

  @Test
  void takenPortGivesOneClearLine() throws Exception {
    int port = Ports.free();
    // Whatever listens there (another PostgreSQL, a dev stack): a plain socket is the cheapest.
    try (ServerSocket taken = new ServerSocket(port, 1, InetAddress.getByName(Ports.LOOPBACK))) {
      assertThatThrownBy(() -> EmbeddedPostgresServer.start(dir.resolve("pg"), port))
          .isInstanceOf(StartupException.class)
          .hasMessageContaining("PostgreSQL: port " + port)
          .hasMessageContaining("STOCKFLOW_PG_PORT");
    }
  }

  @Test
  void kafkaBrokerServesAdminRequestsAndRestartsOnFormattedStorage() throws Exception {
    int port = Ports.free();
    int controller = Ports.free();
    for (int run = 0; run < 2; run++) {
      try (EmbeddedKafkaBroker kafka =
          EmbeddedKafkaBroker.start(dir.resolve("kafka"), port, controller, 2)) {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
          if (run == 0)
            admin
                .createTopics(
                    Set.of(new org.apache.kafka.clients.admin.NewTopic("kept", 2, (short) 1)))
                .all()
                .get();
          assertThat(admin.listTopics().names().get()).contains("kept");
        }
      }
    }
  }

  @Test
  void temporalDevServerStartsWithUiAndStopsItsProcess() throws Exception {
    TemporalDevServer temporal =
        TemporalDevServer.start(
            dir.resolve("temporal"), Ports.free(), Ports.free(), Map.of("Sku", "Keyword"));
    long pid = temporal.pid();
    assertThat(ProcessHandle.of(pid)).isPresent();
    try {
      // The PID is the dev server itself, in a session of its own: Ctrl-C on the dev stack's
      // terminal does not reach it, the stack's ordered shutdown stops it.
      assertThat(ProcessHandle.of(pid).flatMap(h -> h.info().command()).orElse(""))
          .endsWith("temporal");
      assertThat(sessionOf(pid))
          .isEqualTo(pid)
          .isNotEqualTo(sessionOf(ProcessHandle.current().pid()));
    } finally {
      temporal.close();
    }
    assertThat(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false)).isFalse();
  }

  /** The session id of a process, field 6 of /proc/<pid>/stat (after the parenthesised name). */
  private static long sessionOf(long pid) throws java.io.IOException {
    String stat = java.nio.file.Files.readString(Path.of("/proc/" + pid + "/stat"));
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return Long.parseLong(fields[3]);
  }
}
