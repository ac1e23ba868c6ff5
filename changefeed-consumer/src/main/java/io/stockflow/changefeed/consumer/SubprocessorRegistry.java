package io.stockflow.changefeed.consumer;

import io.stockflow.changefeed.Subprocessor;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * Turns the one-line-per-table configuration ({@code topic -> [subprocessor names]}) and the
 * available subprocessor beans into the wiring the processor runs. Fails loudly, naming the
 * culprit, on a duplicate bean name, an unknown name, a name listed twice for one topic, or a topic
 * with no subprocessor. Stateless.
 */
final class SubprocessorRegistry {
  private SubprocessorRegistry() {}

  /**
   * @param namesByTopic topic -> subprocessor names in the order they should run; iteration order
   *     of the map is kept
   * @param beans every available subprocessor; names must be unique
   * @return topic -> subprocessors, same order as given
   * @throws IllegalArgumentException on any inconsistency
   */
  public static Map<String, List<Subprocessor>> resolve(
      Map<String, List<String>> namesByTopic, Collection<? extends Subprocessor> beans) {
    Objects.requireNonNull(namesByTopic, "namesByTopic");
    Map<String, Subprocessor> byName = new TreeMap<>();
    for (Subprocessor s : beans) {
      String name = Objects.requireNonNull(s.name(), () -> s.getClass() + ".name() is null");
      Subprocessor previous = byName.putIfAbsent(name, s);
      if (previous != null)
        throw new IllegalArgumentException(
            "two subprocessors are named \""
                + name
                + "\": "
                + previous.getClass().getName()
                + " and "
                + s.getClass().getName());
    }
    Map<String, List<Subprocessor>> result = new LinkedHashMap<>();
    namesByTopic.forEach(
        (topic, names) -> {
          if (names == null || names.isEmpty())
            throw new IllegalArgumentException(
                "topic \""
                    + topic
                    + "\" enables no subprocessor; remove it from the configuration");
          Set<String> seen = new LinkedHashSet<>();
          result.put(
              topic,
              names.stream()
                  .map(
                      n -> {
                        if (!seen.add(n))
                          throw new IllegalArgumentException(
                              "subprocessor \""
                                  + n
                                  + "\" is listed twice for topic \""
                                  + topic
                                  + "\"");
                        Subprocessor s = byName.get(n);
                        if (s == null)
                          throw new IllegalArgumentException(
                              "unknown subprocessor \""
                                  + n
                                  + "\" configured for topic \""
                                  + topic
                                  + "\"; known: "
                                  + byName.keySet());
                        return s;
                      })
                  .toList());
        });
    return result;
  }
}
