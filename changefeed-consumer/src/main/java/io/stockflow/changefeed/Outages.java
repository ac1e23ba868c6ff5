package io.stockflow.changefeed;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Recognises failures that mean "a dependency is down" rather than "this change is bad", without
 * depending on the client libraries: the default of {@link Subprocessor#isOutage}. gRPC (Temporal)
 * is matched by class name and status text, so this module needs no gRPC jar.
 */
final class Outages {
  private static final int MAX_DEPTH = 16;

  private Outages() {}

  static boolean isOutage(Throwable failure) {
    Throwable t = failure;
    for (int depth = 0; t != null && depth < MAX_DEPTH; depth++, t = t.getCause()) {
      if (t instanceof ConnectException
          || t instanceof NoRouteToHostException
          || t instanceof SocketTimeoutException
          || t instanceof SQLTransientConnectionException) return true;
      if (t instanceof SQLException sql
          && sql.getSQLState() != null
          && sql.getSQLState().startsWith("08")) return true;
      if (t.getClass().getName().equals("io.grpc.StatusRuntimeException")
          && t.getMessage() != null
          && (t.getMessage().startsWith("UNAVAILABLE")
              || t.getMessage().startsWith("DEADLINE_EXCEEDED"))) return true;
      if (t.getCause() == t) break;
    }
    return false;
  }
}
