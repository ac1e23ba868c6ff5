package io.stockflow.changefeed.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.stockflow.changefeed.consumer.ReplayRule.Kind;
import io.stockflow.db.changefeed.ChangefeedJson;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The rule's truth table over before/after images as CockroachDB writes them (sorted columns,
 * {@code ", "} / {@code ": "}, TIMESTAMPTZ in RFC 3339 with {@code Z}; see {@link Envelopes}). The
 * backfill rows are what {@code schema_change_policy=backfill} with {@code diff} emits: after in
 * the new shape, before in the old one, the row's data and {@code last_updated} unchanged.
 */
class ReplayRuleTest {
  private static final ObjectMapper JSON = ChangefeedJson.mapper();
  private final ReplayRule rule = new ReplayRule("last_updated");

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "only last_updated changed (replay request) | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-28T09:00:00.5Z\", \"qty\": 1} | REPLAY",
        "nothing changed (in-place rewrite)         | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | BACKFILL",
        "a data column changed too                  | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-28T09:00:00Z\", \"qty\": 2} | CHANGE",
        "data changed, same stamp                   | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 2} | CHANGE",
        "a value set to NULL is a change            | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": null} | CHANGE",
        "ADD COLUMN … DEFAULT backfill              | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1, \"shelf_life_days\": 180} | BACKFILL",
        "added column NULL is not read as missing   | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"note\": null, \"qty\": 1} | BACKFILL",
        "DROP COLUMN backfill                       | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1, \"reserved\": 2} | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | BACKFILL",
        "dropped column was NULL                    | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"note\": null, \"qty\": 1} | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | BACKFILL",
        "dropped replay column                      | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"qty\": 1} | BACKFILL",
        "new shape, stamp changed: only shared count | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-28T09:00:00Z\", \"qty\": 1, \"shelf_life_days\": 180} | REPLAY",
        "new shape, data changed                    | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 1} | {\"last_updated\": \"2023-11-27T16:25:11Z\", \"qty\": 2, \"shelf_life_days\": 180} | CHANGE",
        "no replay column, nothing changed          | {\"qty\": 1} | {\"qty\": 1} | BACKFILL",
        "nested JSONB compared by value             | {\"attrs\": {\"a\": 1, \"b\": [1, 2]}, \"last_updated\": \"2023-11-27T16:25:11Z\"} | {\"attrs\": {\"a\": 1, \"b\": [2, 1]}, \"last_updated\": \"2023-11-27T16:25:11Z\"} | CHANGE",
      })
  void classifiesUpdates(String name, String before, String after, Kind kind) throws Exception {
    assertThat(rule.classify(node(before), node(after))).isEqualTo(kind);
  }

  private static ObjectNode node(String json) throws Exception {
    return (ObjectNode) JSON.readTree(json);
  }
}
