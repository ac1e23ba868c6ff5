package io.stockflow.embedded;

/**
 * A server could not start. The message is one line meant for a person: which component, what went
 * wrong, what to do. Launchers print it instead of a stack trace.
 */
public class StartupException extends RuntimeException {
  public StartupException(String component, String problem, String remedy) {
    super(component + ": " + problem + " — " + remedy);
  }

  public StartupException(String component, String problem, String remedy, Throwable cause) {
    super(component + ": " + problem + " — " + remedy, cause);
  }
}
