package io.stockflow.changefeed.consumer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Splits a subprocessor's share of a batch into groups that may be processed concurrently while the
 * changes inside one group are processed one after another, in batch order.
 *
 * <p>A change's <em>ordering key</em> is its coalescing key when that is non-null (it names the
 * downstream workflow), else its message key (the row). Changes with the same ordering key share a
 * group. Beyond that, changes of the same row always share a group, even when their ordering keys
 * differ (a coalescing key that depends on the row's content, or is null for some of its changes):
 * groups linked by a common row or a common coalescing key are merged, so neither a row's nor a
 * workflow's changes can overtake each other.
 *
 * <p>Pure and stateless.
 */
final class OrderingGroups {
  private OrderingGroups() {}

  /**
   * @param items the changes in batch order
   * @param messageKey the row key of an item, never null
   * @param coalescingKey the coalescing key of an item, or null
   * @return the groups, in the order of their first item; items of a group in input order
   */
  static <T> List<List<T>> of(
      List<T> items, Function<T, String> messageKey, Function<T, String> coalescingKey) {
    // Union-find over the keys; rows and coalescing keys are separate namespaces.
    Map<String, Integer> ids = new HashMap<>();
    List<Integer> parent = new ArrayList<>();
    int[] root = new int[items.size()];
    for (int i = 0; i < items.size(); i++) {
      T item = items.get(i);
      int row = id(ids, parent, "row\u0000" + messageKey.apply(item));
      String c = coalescingKey.apply(item);
      if (c != null) union(parent, row, id(ids, parent, "coalescing\u0000" + c));
      root[i] = row;
    }
    Map<Integer, List<T>> groups = new LinkedHashMap<>();
    for (int i = 0; i < items.size(); i++)
      groups.computeIfAbsent(find(parent, root[i]), g -> new ArrayList<>()).add(items.get(i));
    return List.copyOf(groups.values());
  }

  private static int id(Map<String, Integer> ids, List<Integer> parent, String key) {
    return ids.computeIfAbsent(
        key,
        k -> {
          parent.add(parent.size());
          return parent.size() - 1;
        });
  }

  private static int find(List<Integer> parent, int x) {
    while (parent.get(x) != x) {
      parent.set(x, parent.get(parent.get(x))); // path halving
      x = parent.get(x);
    }
    return x;
  }

  private static void union(List<Integer> parent, int a, int b) {
    int ra = find(parent, a);
    int rb = find(parent, b);
    if (ra != rb) parent.set(Math.max(ra, rb), Math.min(ra, rb));
  }
}
