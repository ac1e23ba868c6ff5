package io.stockflow.e2e;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import jakarta.inject.Singleton;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * A reaction added the way the README promises: this one class, plus one line naming it under
 * {@code stockflow.changefeed.tables} (see {@link SharedDevStack#PROPERTIES}, {@link
 * ReactionsEndToEndIT}). Platforms that do not list it never call it.
 */
@Singleton
public class DamageReportSubprocessor implements Subprocessor {
  static final Queue<String> REPORTED = new ConcurrentLinkedQueue<>();

  @Override
  public String name() {
    return "damage-report";
  }

  @Override
  public boolean shouldProcess(ChangeEvent e) {
    return e.after() != null && e.changed("damaged");
  }

  @Override
  public void process(ChangeEvent e) {
    REPORTED.add(e.keyString() + " damaged=" + e.after().get("damaged").asLong());
  }
}
