package io.stockflow.dev;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ChaosSuiteTest {
  @Test
  void everyRoleAFaultKillsRunsAloneAndTheOthersShareOneProcess() {
    assertThat(ChaosSuite.roleProcesses(ChaosSuite.ALL_FAULTS))
        .containsExactly("worker", "consumer", "api");
    assertThat(ChaosSuite.roleProcesses(List.of("consumer", "bridge")))
        .containsExactly("consumer", "worker,api");
    assertThat(ChaosSuite.roleProcesses(List.of("kafka"))).containsExactly("worker,consumer,api");
  }
}
