package io.stockflow.changefeed.consumer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class OrderingGroupsTest {
  /** A change for the test: an id, its row key and its coalescing key (may be null). */
  record C(String id, String row, String coalescing) {}

  private static List<List<String>> group(C... changes) {
    return OrderingGroups.of(List.of(changes), C::row, C::coalescing).stream()
        .map(g -> g.stream().map(C::id).toList())
        .toList();
  }

  @Test
  void withoutCoalescingKeysEachRowIsAGroupInBatchOrder() {
    assertThat(
            group(
                new C("a1", "A", null),
                new C("b1", "B", null),
                new C("a2", "A", null),
                new C("c1", "C", null),
                new C("b2", "B", null),
                new C("a3", "A", null)))
        .containsExactly(List.of("a1", "a2", "a3"), List.of("b1", "b2"), List.of("c1"));
  }

  @Test
  void aCoalescingKeyGroupsDifferentRowsBoundForTheSameWorkflow() {
    assertThat(
            group(
                new C("sea", "SKU1/SEA", "wf-SKU1"),
                new C("other", "SKU2/SEA", "wf-SKU2"),
                new C("pdx", "SKU1/PDX", "wf-SKU1")))
        .containsExactly(List.of("sea", "pdx"), List.of("other"));
  }

  @Test
  void aRowWhoseCoalescingKeyChangesOrIsSometimesNullStaysInOneGroup() {
    // Row R first belongs to workflow X, then has none, then to workflow Y; S shares X, T shares Y.
    assertThat(
            group(
                new C("r1", "R", "X"),
                new C("s1", "S", "X"),
                new C("u1", "U", null),
                new C("r2", "R", null),
                new C("t1", "T", "Y"),
                new C("r3", "R", "Y")))
        .containsExactly(List.of("r1", "s1", "r2", "t1", "r3"), List.of("u1"));
  }

  @Test
  void rowsAndCoalescingKeysAreSeparateNamespaces() {
    assertThat(group(new C("row", "K", null), new C("wf", "other", "K")))
        .containsExactly(List.of("row"), List.of("wf"));
  }

  @Test
  void emptyInputHasNoGroups() {
    assertThat(group()).isEmpty();
  }

  @Test
  void everyChangeLandsInExactlyOneGroupAndEachGroupKeepsBatchOrder() {
    Random random = new Random(42);
    List<C> changes = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      int row = random.nextInt(200);
      // A third of the changes name a workflow shared by five rows; the rest only their row.
      String coalescing = random.nextInt(3) == 0 ? "wf" + row / 5 : null;
      changes.add(new C(Integer.toString(i), "row" + row, coalescing));
    }
    List<List<C>> groups = OrderingGroups.of(changes, C::row, C::coalescing);
    assertThat(groups.stream().mapToInt(List::size).sum()).isEqualTo(changes.size());
    assertThat(groups.stream().flatMap(List::stream).map(C::id).distinct().count())
        .isEqualTo(changes.size());
    for (List<C> g : groups)
      assertThat(g.stream().map(c -> Integer.parseInt(c.id())).toList()).isSorted();
    // Groups are ordered by their first change.
    assertThat(groups.stream().map(g -> Integer.parseInt(g.get(0).id())).toList()).isSorted();
    // No row and no coalescing key spans two groups.
    Map<String, Integer> groupOf = new HashMap<>();
    for (int g = 0; g < groups.size(); g++)
      for (C c : groups.get(g)) {
        assertThat(groupOf.putIfAbsent("row:" + c.row(), g)).isIn(null, g);
        if (c.coalescing() != null)
          assertThat(groupOf.putIfAbsent("wf:" + c.coalescing(), g)).isIn(null, g);
      }
    assertThat(groups).hasSizeGreaterThan(1);
  }
}
