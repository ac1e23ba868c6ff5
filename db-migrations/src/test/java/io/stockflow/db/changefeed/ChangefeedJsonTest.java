package io.stockflow.db.changefeed;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.math.BigDecimal;
import org.junit.jupiter.api.Test;

class ChangefeedJsonTest {
  @Test
  void decimalsKeepTheirExactValueAndScaleThroughReadingAndWriting() throws Exception {
    String json = "{\"price\":12345678901234567.89,\"weight\":1.50,\"on_hand\":7}";

    JsonNode row = ChangefeedJson.mapper().readTree(json);

    assertThat(row.get("price").decimalValue()).isEqualTo(new BigDecimal("12345678901234567.89"));
    assertThat(row.get("weight").decimalValue()).isEqualTo(new BigDecimal("1.50"));
    assertThat(row.get("on_hand").isIntegralNumber()).isTrue();
    assertThat(ChangefeedJson.mapper().writeValueAsString(row)).isEqualTo(json);
  }
}
