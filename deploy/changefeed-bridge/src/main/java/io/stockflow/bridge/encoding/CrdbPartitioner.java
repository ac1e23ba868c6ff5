package io.stockflow.bridge.encoding;

/**
 * The partition CockroachDB's Kafka sink sends a keyed changefeed message to, so the bridge puts
 * every row on the partition a real changefeed would (a consumer group that moves from the bridge
 * to CockroachDB, or a tool that computes a key's partition, sees the same layout).
 *
 * <p>{@code pkg/ccl/changefeedccl/sink_kafka.go}: {@code newChangefeedPartitioner} is {@code
 * sarama.NewCustomHashPartitioner(fnv.New32a)}; the franz-go sink ({@code sink_kafka_v2.go}, {@code
 * newKgoChangefeedPartitioner}) uses {@code kgo.SaramaCompatHasher} over the same FNV-1a. Both
 * compute {@code int32(fnv1a32(key)) % n} and negate a negative result — not Kafka's murmur2 and
 * not {@code & 0x7fffffff}. Messages without a key (resolved timestamps) name their partition
 * explicitly.
 */
public final class CrdbPartitioner {
  private static final int FNV32_OFFSET_BASIS = 0x811c9dc5;
  private static final int FNV32_PRIME = 0x01000193;

  private CrdbPartitioner() {}

  /** The partition of {@code key} (the changefeed's key bytes) among {@code partitions}. */
  public static int partition(byte[] key, int partitions) {
    if (partitions <= 0) throw new IllegalArgumentException("partitions must be positive");
    int p = fnv1a32(key) % partitions; // Java's % truncates toward zero, as Go's does
    return p < 0 ? -p : p;
  }

  /** FNV-1a, 32 bit ({@code hash/fnv.New32a}), as a signed int ({@code int32(h.Sum32())}). */
  static int fnv1a32(byte[] data) {
    int h = FNV32_OFFSET_BASIS;
    for (byte b : data) {
      h ^= b & 0xff;
      h *= FNV32_PRIME;
    }
    return h;
  }
}
