package io.stockflow.dev;

import static org.assertj.core.api.Assertions.assertThat;

import io.micronaut.context.ApplicationContext;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthResult;
import io.stockflow.bridge.BridgeHealth;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.reactivestreams.Publisher;
import org.reactivestreams.Subscriber;
import org.reactivestreams.Subscription;

class BridgeHealthIndicatorTest {
  static HealthResult result(BridgeHealth.Status status) {
    Publisher<HealthResult> p = new BridgeHealthIndicator(() -> status).getResult();
    AtomicReference<HealthResult> out = new AtomicReference<>();
    p.subscribe(
        new Subscriber<>() {
          @Override
          public void onSubscribe(Subscription s) {
            s.request(1);
          }

          @Override
          public void onNext(HealthResult r) {
            out.set(r);
          }

          @Override
          public void onError(Throwable t) {
            throw new AssertionError(t);
          }

          @Override
          public void onComplete() {}
        });
    return out.get();
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> details(HealthResult r) {
    return (Map<String, Object>) r.getDetails();
  }

  @Test
  void upWhileTheBridgeRuns() {
    HealthResult r = result(new BridgeHealth.Status(true, 2, "walsender gone", false));
    assertThat(r.getName()).isEqualTo("bridge");
    assertThat(r.getStatus()).isEqualTo(HealthStatus.UP);
    assertThat(details(r)).containsEntry("running", true).containsEntry("restarts", 2);
  }

  @Test
  void downWhileItDoesNotRunWithWhy() {
    HealthResult r = result(new BridgeHealth.Status(false, 0, "walsender gone", false));
    assertThat(r.getStatus()).isEqualTo(HealthStatus.DOWN);
    assertThat(details(r))
        .containsEntry("running", false)
        .containsEntry("lastFailure", "walsender gone");
  }

  @Test
  void downAndMarkedWhenItStoppedForGood() {
    HealthResult r = result(new BridgeHealth.Status(false, 0, "slot gone", true));
    assertThat(r.getStatus()).isEqualTo(HealthStatus.DOWN);
    assertThat(details(r)).containsEntry("stoppedForGood", true);
  }

  @Test
  void theIndicatorExistsOnlyWhereTheDevStackRegisteredItsBridge() {
    Map<String, Object> props = Map.of("stockflow.roles", "api", "micronaut.server.port", -1);
    BridgeHealth health = () -> new BridgeHealth.Status(true, 0, null, false);
    try (ApplicationContext withBridge =
        ApplicationContext.builder().properties(props).singletons(health).start()) {
      assertThat(withBridge.findBeanDefinition(BridgeHealthIndicator.class)).isPresent();
      assertThat(withBridge.getBean(BridgeHealthIndicator.class)).isNotNull();
    }
    try (ApplicationContext without = ApplicationContext.builder().properties(props).start()) {
      assertThat(without.findBeanDefinition(BridgeHealthIndicator.class)).isEmpty();
    }
  }
}
