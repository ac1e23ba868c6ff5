package io.stockflow.embedded;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;

/** Loopback port helpers. Every embedded server binds 127.0.0.1 only. */
public final class Ports {
  public static final String LOOPBACK = "127.0.0.1";

  private Ports() {}

  /**
   * A port that was free a moment ago (for tests, which must not collide with a running dev stack).
   *
   * <p>Chosen at random below the kernel's ephemeral range, not by binding port 0: the ephemeral
   * range is where every outbound connection gets its local port (JDBC pools, Kafka and gRPC
   * clients open hundreds), so a port picked there can be taken by a client socket before the
   * server meant for it binds — a restarted dev stack once failed to bind its API port that way.
   * Never hands one port out twice in this JVM.
   */
  public static int free() {
    for (int attempt = 0; attempt < 200; attempt++) {
      int port =
          PICK_FROM < PICK_TO
              ? java.util.concurrent.ThreadLocalRandom.current().nextInt(PICK_FROM, PICK_TO)
              : 0;
      try (ServerSocket s = new ServerSocket()) {
        s.setReuseAddress(true);
        s.bind(new InetSocketAddress(LOOPBACK, port), 1);
        if (HANDED_OUT.add(s.getLocalPort())) return s.getLocalPort();
      } catch (IOException e) {
        if (port == 0) throw new IllegalStateException("no free loopback port", e);
        // taken: try another
      }
    }
    throw new IllegalStateException("no free loopback port that was not handed out already");
  }

  /** Where {@link #free} picks: from 20000 up to the ephemeral range (else the kernel picks). */
  private static final int PICK_FROM = 20_000;

  private static final int PICK_TO = ephemeralLow();

  private static int ephemeralLow() {
    try {
      String range =
          java.nio.file.Files.readString(
              java.nio.file.Path.of("/proc/sys/net/ipv4/ip_local_port_range"));
      return Integer.parseInt(range.trim().split("\\s+")[0]);
    } catch (IOException | RuntimeException e) {
      return 0; // unknown: fall back to a kernel-chosen port
    }
  }

  private static final java.util.Set<Integer> HANDED_OUT =
      java.util.concurrent.ConcurrentHashMap.newKeySet();

  /**
   * Fails with one clear line when {@code port} is taken; {@code envVar} is how the user picks
   * another.
   */
  public static void requireFree(String component, int port, String envVar) {
    try (ServerSocket s = new ServerSocket()) {
      s.setReuseAddress(true);
      s.bind(new InetSocketAddress(LOOPBACK, port));
    } catch (IOException e) {
      throw new StartupException(
          component,
          "port " + port + " on " + LOOPBACK + " is already in use",
          "stop whatever listens there (e.g. `ss -ltnp | grep " + port + "`) or set " + envVar);
    }
  }

  /** Waits until something accepts TCP connections on {@code port}. */
  public static boolean awaitListening(int port, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress(LOOPBACK, port), 200);
        return true;
      } catch (IOException e) {
        try {
          Thread.sleep(100);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
    }
    return false;
  }
}
