package io.stockflow.stock;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * An enum of a status or kind column whose CHECK constraint lists its values: each constant is
 * stored (and shown in JSON) as its name in lower case, e.g. {@code OUT_OF_STOCK} as {@code
 * out_of_stock}. Implemented by enums only ({@link Enum#name()} provides {@link #name()}).
 */
public interface DbCode {
  /** The constant's name; provided by {@link Enum}. */
  String name();

  /** The value stored in the column, e.g. {@code out_of_stock}. */
  default String code() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether {@code code} (a column value, possibly null) is this constant's. */
  default boolean is(String code) {
    return code().equals(code);
  }

  /** The codes of {@code values}, for a jOOQ {@code in(...)}. */
  static List<String> codes(DbCode... values) {
    return Arrays.stream(values).map(DbCode::code).toList();
  }

  /** The constant of {@code type} whose code is {@code code}; empty for an unknown or null code. */
  static <E extends Enum<E> & DbCode> Optional<E> fromCode(Class<E> type, String code) {
    return Arrays.stream(type.getEnumConstants()).filter(e -> e.is(code)).findFirst();
  }
}
