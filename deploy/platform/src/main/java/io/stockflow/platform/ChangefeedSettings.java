package io.stockflow.platform;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import io.stockflow.changefeed.config.ChangefeedConfig;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.List;

/**
 * The consumer settings in effect, for {@code io.stockflow.dev.NoopBenchmark} only, which reads
 * them through these getters and is being moved to {@code deploy/dev-stack} by another change.
 *
 * @deprecated once NoopBenchmark builds its config with {@link ChangefeedConfiguration#applyTo},
 *     delete this class.
 */
@Deprecated(forRemoval = true)
@Singleton
public class ChangefeedSettings {
  private final ChangefeedConfig effective;

  public ChangefeedSettings(ChangefeedConfiguration configuration) {
    // A config is only built with a topic; the placeholder's name and server are never used.
    this.effective =
        configuration
            .applyTo(ChangefeedConfig.builder())
            .bootstrapServers("unused:9092")
            .topic("unused", List.of(new Placeholder()))
            .build();
  }

  public int getRetryAttempts() {
    return effective.retry().maxAttempts();
  }

  public Duration getRetryInitialBackoff() {
    return effective.retry().initialBackoff();
  }

  public Duration getRetryMaxBackoff() {
    return effective.retry().maxBackoff();
  }

  public int getSubprocessorConcurrency() {
    return effective.subprocessorConcurrency();
  }

  private record Placeholder() implements Subprocessor {
    @Override
    public String name() {
      return "placeholder";
    }

    @Override
    public boolean shouldProcess(ChangeEvent event) {
      return false;
    }

    @Override
    public void process(ChangeEvent event) {}
  }
}
