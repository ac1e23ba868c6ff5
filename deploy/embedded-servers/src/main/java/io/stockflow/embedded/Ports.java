package io.stockflow.embedded;

import java.io.IOException;
import java.net.InetAddress;
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
   */
  public static int free() {
    // The kernel may hand the same ephemeral port out twice before the first caller binds it (a
    // test picks Temporal's port, then PostgreSQL's): never give one out twice in this JVM.
    for (int attempt = 0; attempt < 100; attempt++) {
      try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
        s.setReuseAddress(true);
        if (HANDED_OUT.add(s.getLocalPort())) return s.getLocalPort();
      } catch (IOException e) {
        throw new IllegalStateException("no free loopback port", e);
      }
    }
    throw new IllegalStateException("no loopback port that was not handed out already");
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
