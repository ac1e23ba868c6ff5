package io.stockflow.changefeed.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReplayRuleTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final ReplayRule rule = new ReplayRule("last_updated");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "only last_updated changed | {'q':1,'last_updated':'a'} | {'q':1,'last_updated':'b'} | true",
        "nothing changed (touch)   | {'q':1,'last_updated':'a'} | {'q':1,'last_updated':'a'} | true",
        "a data column changed too | {'q':1,'last_updated':'a'} | {'q':2,'last_updated':'b'} | false",
        "data changed, same stamp  | {'q':1,'last_updated':'a'} | {'q':2,'last_updated':'a'} | false",
        "missing equals null       | {'q':1,'x':null,'last_updated':'a'} | {'q':1,'last_updated':'b'} | true",
        "column appeared           | {'q':1,'last_updated':'a'} | {'q':1,'x':3,'last_updated':'b'} | false",
        "insert (no before)        | null | {'q':1,'last_updated':'b'} | false",
        "delete (no after)         | {'q':1,'last_updated':'a'} | null | false",
      })
  void shouldRecogniseReplayRequests(String name, String before, String after, boolean replay)
      throws Exception {
    assertThat(rule.isReplay(node(before), node(after))).isEqualTo(replay);
  }

  private static ObjectNode node(String json) throws Exception {
    return json.equals("null") ? null : (ObjectNode) JSON.readTree(json.replace('\'', '"'));
  }
}
