package io.stockflow.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class PortsTest {
  @Test
  void freePortsAreDistinctBindableAndOutsideTheEphemeralRange() throws Exception {
    Path range = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    int ephemeralLow =
        Files.exists(range)
            ? Integer.parseInt(Files.readString(range).trim().split("\\s+")[0])
            : Integer.MAX_VALUE;
    Set<Integer> seen = new HashSet<>();
    for (int i = 0; i < 300; i++) {
      int port = Ports.free();
      assertThat(seen.add(port)).as("port %d handed out twice", port).isTrue();
      if (ephemeralLow > 20_000) assertThat(port).isBetween(20_000, ephemeralLow - 1);
    }
    int last = seen.iterator().next();
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(Ports.LOOPBACK, last));
      assertThat(s.getLocalPort()).isEqualTo(last);
    }
  }
}
