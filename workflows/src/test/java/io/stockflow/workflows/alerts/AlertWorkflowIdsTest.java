package io.stockflow.workflows.alerts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class AlertWorkflowIdsTest {

  @Test
  void rowKindsHaveOneWorkflowPerRowAndPerEpisodeKindsOnePerEpisode() {
    assertThat(AlertClient.workflowId(AlertKind.RESTOCK_LATE, "JERKY", "SEA1", "3"))
        .isEqualTo("alert/restock_late/JERKY/SEA1");
    assertThat(AlertClient.workflowId(AlertKind.ORDER_LATE, null, "SEA1", "o-1"))
        .isEqualTo("alert/order_late/-/SEA1/o-1");
    assertThatThrownBy(() -> AlertClient.workflowId(AlertKind.ORDER_LATE, null, "SEA1", null))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theEpisodeKeyOfAnAlertRowLeadsToItsWorkflow() {
    assertThat(AlertClient.workflowIdOfEpisodeKey("low_stock/JERKY/SEA1/2"))
        .isEqualTo(AlertClient.workflowId(AlertKind.LOW_STOCK, "JERKY", "SEA1"));
    assertThat(AlertClient.workflowIdOfEpisodeKey("count_variance/JERKY/SEA1/2026-11-22T05:00:00Z"))
        .isEqualTo(AlertClient.workflowId(AlertKind.COUNT_VARIANCE, "JERKY", "SEA1"));
    assertThat(AlertClient.workflowIdOfEpisodeKey("order_late/-/SEA1/o-1"))
        .isEqualTo(AlertClient.workflowId(AlertKind.ORDER_LATE, null, "SEA1", "o-1"));
    assertThatThrownBy(() -> AlertClient.workflowIdOfEpisodeKey("nonsense"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> AlertClient.workflowIdOfEpisodeKey("unknown_kind/a/b/1"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
