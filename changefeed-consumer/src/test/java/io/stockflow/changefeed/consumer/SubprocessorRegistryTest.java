package io.stockflow.changefeed.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Subprocessor;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SubprocessorRegistryTest {
  record Named(String name) implements Subprocessor {
    @Override
    public boolean shouldProcess(ChangeEvent event) {
      return true;
    }

    @Override
    public void process(ChangeEvent event) {}
  }

  private final Named restock = new Named("restock");
  private final Named sync = new Named("channel-sync");

  @Test
  void subprocessorConcurrencyDefaultsTo8AndCanBeSetOverallAndPerSubprocessor() {
    ChangefeedConfig.Builder b =
        ChangefeedConfig.builder().bootstrapServers("k:9092").topic("t", List.of(restock, sync));
    assertThat(b.build().concurrency("restock")).isEqualTo(8);
    ChangefeedConfig c = b.subprocessorConcurrency(4).subprocessorConcurrency("restock", 1).build();
    assertThat(c.concurrency("restock")).isEqualTo(1);
    assertThat(c.concurrency("channel-sync")).isEqualTo(4);
    assertThatThrownBy(() -> b.subprocessorConcurrency(0).build())
        .hasMessageContaining("subprocessorConcurrency must be >= 1");
    assertThatThrownBy(
            () -> b.subprocessorConcurrency(2).subprocessorConcurrency("restok", 2).build())
        .hasMessageContaining("subprocessorConcurrency names \"restok\"")
        .hasMessageContaining("[channel-sync, restock]");
  }

  @Test
  void shouldResolveNamesInConfiguredOrder() {
    Map<String, List<String>> lines = new LinkedHashMap<>();
    lines.put("inventory_levels", List.of("channel-sync", "restock"));
    lines.put("orders", List.of("restock"));
    var wiring = SubprocessorRegistry.resolve(lines, List.of(restock, sync));
    assertThat(wiring.keySet()).containsExactly("inventory_levels", "orders");
    assertThat(wiring.get("inventory_levels")).containsExactly(sync, restock);
  }

  @Test
  void shouldFailLoudlyOnUnknownName() {
    assertThatThrownBy(
            () ->
                SubprocessorRegistry.resolve(
                    Map.of("orders", List.of("restok")), List.of(restock, sync)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown subprocessor \"restok\"")
        .hasMessageContaining("[channel-sync, restock]");
  }

  @Test
  void shouldFailLoudlyOnDuplicateBeanNamesAndDuplicateListEntries() {
    assertThatThrownBy(
            () ->
                SubprocessorRegistry.resolve(
                    Map.of("orders", List.of("restock")), List.of(restock, new Named("restock"))))
        .hasMessageContaining("two subprocessors are named \"restock\"");
    assertThatThrownBy(
            () ->
                SubprocessorRegistry.resolve(
                    Map.of("orders", List.of("restock", "restock")), List.of(restock)))
        .hasMessageContaining("listed twice");
    assertThatThrownBy(
            () -> SubprocessorRegistry.resolve(Map.of("orders", List.of()), List.of(restock)))
        .hasMessageContaining("enables no subprocessor");
  }

  @Test
  void configShouldNameDeadLetterTopicsAndRejectTwoBeansWithOneName() {
    var config =
        ChangefeedConfig.builder()
            .bootstrapServers("x:1")
            .topics(Map.of("orders", List.of("restock")), List.of(restock))
            .build();
    assertThat(config.deadLetterTopic("orders")).isEqualTo("orders.dlq");
    assertThat(config.subprocessor("orders", "restock")).isSameAs(restock);
    assertThatThrownBy(
            () ->
                ChangefeedConfig.builder()
                    .bootstrapServers("x:1")
                    .topic("a", List.of(restock))
                    .topic("b", List.of(new Named("restock")))
                    .build())
        .hasMessageContaining("two different subprocessors are named \"restock\"");
  }

  @Test
  void retryBackoffShouldDoubleUpToTheCap() {
    var p = new RetryPolicy(5, Duration.ofMillis(100), Duration.ofMillis(350));
    assertThat(p.backoffAfter(1)).isEqualTo(Duration.ofMillis(100));
    assertThat(p.backoffAfter(2)).isEqualTo(Duration.ofMillis(200));
    assertThat(p.backoffAfter(3)).isEqualTo(Duration.ofMillis(350));
    assertThat(p.backoffAfter(4)).isEqualTo(Duration.ofMillis(350));
    assertThatThrownBy(() -> new RetryPolicy(0, Duration.ZERO, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
