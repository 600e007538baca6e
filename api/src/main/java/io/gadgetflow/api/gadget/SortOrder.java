package io.gadgetflow.api.gadget;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.function.BiFunction;
import java.util.regex.Pattern;

/**
 * How a top gadget orders its rows, from its {@code sort_by} parameter as Inspektor Gadget writes
 * it: column names separated by commas, each ascending, or descending when prefixed with {@code -};
 * the first column decides, the next ones break ties. The node agent sorts each interval's rows
 * with it, and clients that merge several nodes' rows sort them again the same way.
 */
public record SortOrder(List<Key> keys) {
  private static final Pattern COLUMN = Pattern.compile("[a-z][a-z0-9_/]*");

  /** One column of the order. */
  public record Key(String column, boolean descending) {}

  public SortOrder {
    keys = List.copyOf(keys);
  }

  /**
   * @throws IllegalArgumentException saying what is wrong with {@code value}
   */
  public static SortOrder parse(String value) {
    return new SortOrder(
        parseKeys(value)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "\"%s\" is not a sort order: expected columns separated by commas, each prefixed with - to sort it in descending order"
                            .formatted(value))));
  }

  /** The keys of {@code value}, or empty when it is not a list of (optionally -) columns. */
  static Optional<List<Key>> parseKeys(String value) {
    List<Key> keys = new ArrayList<>();
    for (String item : value.split(",", -1)) {
      String trimmed = item.strip();
      boolean descending = trimmed.startsWith("-");
      String column = descending ? trimmed.substring(1) : trimmed;
      if (!COLUMN.matcher(column).matches()) {
        return Optional.empty();
      }
      keys.add(new Key(column, descending));
    }
    return Optional.of(keys);
  }

  /**
   * Orders rows by the values {@code column} gives for each key's column: numbers or strings,
   * compared with their own kind; values of different kinds (rows from nodes that disagree) are
   * ordered by their kind's name; a row without a value comes after those with one.
   */
  public <T> Comparator<T> comparator(BiFunction<T, String, Comparable<?>> column) {
    Comparator<T> order = (a, b) -> 0;
    for (Key key : keys) {
      order =
          order.thenComparing(
              (a, b) ->
                  compareValues(
                      column.apply(a, key.column()),
                      column.apply(b, key.column()),
                      key.descending()));
    }
    return order;
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static int compareValues(Comparable<?> a, Comparable<?> b, boolean descending) {
    if (a == null || b == null) {
      return a == b ? 0 : a == null ? 1 : -1;
    }
    int ascending =
        a.getClass() == b.getClass()
            ? ((Comparable) a).compareTo(b)
            : a.getClass().getName().compareTo(b.getClass().getName());
    return descending ? -ascending : ascending;
  }

  @Override
  public String toString() {
    return String.join(
        ",", keys.stream().map(k -> (k.descending() ? "-" : "") + k.column()).toList());
  }
}
