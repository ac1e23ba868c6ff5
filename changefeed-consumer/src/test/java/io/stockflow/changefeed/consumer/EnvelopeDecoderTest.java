package io.stockflow.changefeed.consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.stockflow.changefeed.ChangeEvent;
import io.stockflow.changefeed.Hlc;
import io.stockflow.changefeed.Operation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The fixtures in {@code src/test/resources/changefeed} are messages as CockroachDB writes them
 * (format stated in {@link Envelopes}); the {@code backfill-*.json} ones are what a feed with
 * {@code schema_change_policy=backfill} and {@code diff} emits for every row after a schema change
 * (see {@link ReplayRule} for where in CockroachDB's source that shape comes from).
 */
class EnvelopeDecoderTest {
  private static final byte[] KEY =
      Envelopes.key("JERKY-TERIYAKI-3OZ", "SEA1").getBytes(StandardCharsets.UTF_8);
  private final EnvelopeDecoder decoder = new EnvelopeDecoder();

  @Test
  void shouldDecodeInsertWithKeyAfterAndUpdated() throws Exception {
    ChangeEvent e = change("insert.json");
    assertThat(e.operation()).isEqualTo(Operation.INSERT);
    assertThat(e.before()).isNull();
    assertThat(e.afterRow().orElseThrow().longValue("on_hand")).isEqualTo(40);
    assertThat(e.keyString()).isEqualTo("[\"JERKY-TERIYAKI-3OZ\",\"SEA1\"]");
    assertThat(e.keyPart(1)).isEqualTo("SEA1");
    assertThat(e.updated()).isEqualTo(new Hlc(1701102311425045162L, 0));
    assertThat(e.topic()).isEqualTo("inventory_levels");
    assertThat(e.partition()).isEqualTo(2);
    assertThat(e.offset()).isEqualTo(7);
    assertThat(e.replay()).isFalse();
  }

  @Test
  void shouldDecodeUpdateWithLogicalPartAndNotCallItReplay() throws Exception {
    ChangeEvent e = change("update.json");
    assertThat(e.operation()).isEqualTo(Operation.UPDATE);
    assertThat(e.updated()).isEqualTo(new Hlc(1701102312000001000L, 3));
    assertThat(e.changed("on_hand")).isTrue();
    assertThat(e.changed("reserved")).isFalse();
    assertThat(e.replay()).isFalse();
  }

  @Test
  void shouldDecodeDelete() throws Exception {
    ChangeEvent e = change("delete.json");
    assertThat(e.operation()).isEqualTo(Operation.DELETE);
    assertThat(e.after()).isNull();
    assertThat(e.beforeRow().orElseThrow().longValue("on_hand")).isEqualTo(38);
  }

  @Test
  void shouldMarkAnUpdateOfOnlyLastUpdatedAsReplayWhereEveryColumnCountsAsChanged()
      throws Exception {
    ChangeEvent e = change("replay.json");
    assertThat(e.operation()).isEqualTo(Operation.UPDATE);
    assertThat(e.replay()).isTrue();
    assertThat(e.changed("on_hand")).isTrue();
  }

  @Test
  void anAddColumnBackfillIsABackfillWhereOnlyTheNewColumnCountsAsChanged() throws Exception {
    ChangeEvent e = change("backfill-add-column.json");
    assertThat(e.operation()).isEqualTo(Operation.BACKFILL);
    assertThat(e.replay()).isFalse();
    assertThat(e.changed("shelf_life_days")).isTrue();
    assertThat(e.changed("on_hand")).isFalse();
    assertThat(e.changed("last_updated")).isFalse();
    assertThat(e.updated()).isEqualTo(new Hlc(1701165600123456789L, 1));
  }

  @Test
  void aDropColumnBackfillIsABackfill() throws Exception {
    ChangeEvent e = change("backfill-drop-column.json");
    assertThat(e.operation()).isEqualTo(Operation.BACKFILL);
    assertThat(e.replay()).isFalse();
    assertThat(e.changed("reserved")).isTrue();
    assertThat(e.afterRow().orElseThrow().has("reserved")).isFalse();
  }

  @Test
  void anInPlaceRewriteWithIdenticalImagesIsABackfillNotAReplay() throws Exception {
    ChangeEvent e = change("backfill-in-place.json");
    assertThat(e.operation()).isEqualTo(Operation.BACKFILL);
    assertThat(e.replay()).isFalse();
  }

  @Test
  void shouldDecodeResolvedWithNullKey() throws Exception {
    DecodedMessage m = decoder.decode("inventory_levels", 1, 9, null, fixture("resolved.json"));
    assertThat(m)
        .isEqualTo(
            new DecodedMessage.Resolved(
                "inventory_levels", 1, 9, new Hlc(1701102320000000000L, 0)));
  }

  @Test
  void shouldIgnoreUnknownColumnsAndEnvelopeFields() throws Exception {
    ChangeEvent e = change("unknown-columns.json");
    assertThat(e.operation()).isEqualTo(Operation.UPDATE);
    assertThat(e.afterRow().orElseThrow().longValue("on_hand")).isEqualTo(41);
    // on_hand changed: an update, whatever columns appeared meanwhile.
    assertThat(e.replay()).isFalse();
    assertThat(e.changed("on_hand")).isTrue();
  }

  @Test
  void shouldRejectGarbageWithAReason() {
    assertThatThrownBy(() -> change("garbage.json"))
        .isInstanceOf(UndecodableMessageException.class)
        .hasMessageStartingWith("value is not JSON");
  }

  @Test
  void shouldRejectMissingOrMalformedUpdated() {
    assertThatThrownBy(() -> change("missing-updated.json"))
        .isInstanceOf(UndecodableMessageException.class)
        .hasMessageContaining("no \"updated\" field");
    assertThatThrownBy(() -> change("bad-updated.json"))
        .isInstanceOf(UndecodableMessageException.class)
        .hasMessageContaining("not an HLC timestamp");
  }

  @Test
  void shouldRejectAKeyThatIsNotAnArray() {
    assertThatThrownBy(
            () ->
                decoder.decode(
                    "t",
                    0,
                    0,
                    "{\"sku\":\"A\"}".getBytes(StandardCharsets.UTF_8),
                    fixture("insert.json")))
        .isInstanceOf(UndecodableMessageException.class)
        .hasMessageContaining("key is not a non-empty JSON array");
    assertThatThrownBy(() -> decoder.decode("t", 0, 0, null, fixture("insert.json")))
        .isInstanceOf(UndecodableMessageException.class)
        .hasMessageContaining("key is missing");
  }

  @Test
  void shouldRejectAValueWithoutImagesOrAnEmptyValue() {
    assertThatThrownBy(() -> change("no-images.json"))
        .isInstanceOf(UndecodableMessageException.class)
        .hasMessageContaining("neither \"after\" nor \"before\"");
    assertThatThrownBy(() -> decoder.decode("t", 0, 0, KEY, new byte[0]))
        .isInstanceOf(UndecodableMessageException.class)
        .hasMessageContaining("empty value");
    assertThatThrownBy(
            () -> decoder.decode("t", 0, 0, KEY, "[1,2]".getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(UndecodableMessageException.class)
        .hasMessageContaining("not an object");
  }

  private ChangeEvent change(String fixture) throws Exception {
    DecodedMessage m = decoder.decode("inventory_levels", 2, 7, KEY, fixture(fixture));
    assertThat(m).isInstanceOf(DecodedMessage.Change.class);
    return ((DecodedMessage.Change) m).event();
  }

  static byte[] fixture(String name) throws IOException {
    try (InputStream in = EnvelopeDecoderTest.class.getResourceAsStream("/changefeed/" + name)) {
      if (in == null) throw new IOException("no fixture " + name);
      return in.readAllBytes();
    }
  }
}
