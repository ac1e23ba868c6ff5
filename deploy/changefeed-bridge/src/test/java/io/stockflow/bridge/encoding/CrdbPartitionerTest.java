package io.stockflow.bridge.encoding;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Golden partitions from the code CockroachDB's Kafka sink runs: {@code
 * src/test/go/partitioner-golden/main.go} calls {@code sarama.NewCustomHashPartitioner(fnv.New32a)}
 * (what {@code pkg/ccl/changefeedccl/sink_kafka.go} uses) for each key and partition count; the
 * rows below are its output ({@code cd src/test/go/partitioner-golden && go run .}). The keys are
 * changefeed key arrays as CockroachDB writes them ({@code ["A", "B"]}).
 */
class CrdbPartitionerTest {

  @ParameterizedTest(name = "{2} of {0} partitions: {1}")
  @CsvSource(
      delimiter = '\t',
      quoteCharacter = '\'',
      textBlock =
          """
          3	2	'["JERKY-TERIYAKI-3OZ", "SEA1"]'	-624338078
          3	0	'["JERKY-ORIGINAL-3OZ", "PDX-STORE"]'	-745462185
          3	2	'["JERKY-PEPPERED-8OZ", "NYC-DARK"]'	1503356957
          3	2	'["order-1"]'	131328407
          3	0	'[42]'	1722024111
          3	0	'["ключ", "тема"]'	1921630533
          3	1	'["a"]'	-904947358
          3	2	'[]'	1947613349
          6	2	'["JERKY-TERIYAKI-3OZ", "SEA1"]'	-624338078
          6	3	'["JERKY-ORIGINAL-3OZ", "PDX-STORE"]'	-745462185
          6	5	'["JERKY-PEPPERED-8OZ", "NYC-DARK"]'	1503356957
          6	4	'["a"]'	-904947358
          12	2	'["JERKY-TERIYAKI-3OZ", "SEA1"]'	-624338078
          12	9	'["JERKY-ORIGINAL-3OZ", "PDX-STORE"]'	-745462185
          12	11	'["order-1"]'	131328407
          12	9	'["ключ", "тема"]'	1921630533
          12	10	'["a"]'	-904947358
          100	78	'["JERKY-TERIYAKI-3OZ", "SEA1"]'	-624338078
          100	85	'["JERKY-ORIGINAL-3OZ", "PDX-STORE"]'	-745462185
          100	57	'["JERKY-PEPPERED-8OZ", "NYC-DARK"]'	1503356957
          100	7	'["order-1"]'	131328407
          100	11	'[42]'	1722024111
          100	33	'["ключ", "тема"]'	1921630533
          100	58	'["a"]'	-904947358
          1	0	'["JERKY-TERIYAKI-3OZ", "SEA1"]'	-624338078
          """)
  void matchesSaramasFnvHashPartitioner(int partitions, int expected, String key, int hash) {
    byte[] bytes = key.getBytes(StandardCharsets.UTF_8);
    assertThat(CrdbPartitioner.fnv1a32(bytes)).isEqualTo(hash);
    assertThat(CrdbPartitioner.partition(bytes, partitions)).isEqualTo(expected);
  }
}
