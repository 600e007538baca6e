package io.gadgetflow.api.gadget;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SortOrderTest {
  private static final Map<String, Map<String, Comparable<?>>> ROWS =
      Map.of(
          "a", Map.of("reads", 5L, "comm", "bash"),
          "b", Map.of("reads", 9L, "comm", "dd"),
          "c", Map.of("reads", 5L, "comm", "cat"),
          "d", Map.of("comm", "zsh"));

  @Test
  void readsInspektorGadgetsColumnList() {
    assertThat(SortOrder.parse("-reads, comm").keys())
        .containsExactly(new SortOrder.Key("reads", true), new SortOrder.Key("comm", false));
    assertThat(SortOrder.parse("-reads,comm")).hasToString("-reads,comm");
  }

  @Test
  void refusesWhatIsNotAColumnList() {
    for (String bad : List.of("", "-", "reads,,comm", "--reads", "Reads", "reads desc")) {
      assertThatThrownBy(() -> SortOrder.parse(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("is not a sort order");
    }
  }

  @Test
  void theFirstColumnDecidesTheNextBreakTiesAndMissingValuesComeLast() {
    assertThat(sorted("-reads,comm")).containsExactly("b", "a", "c", "d");
    assertThat(sorted("reads,-comm")).containsExactly("c", "a", "b", "d");
    assertThat(sorted("comm")).containsExactly("a", "c", "b", "d");
  }

  private static List<String> sorted(String order) {
    List<String> names = new ArrayList<>(List.of("d", "c", "b", "a"));
    names.sort(SortOrder.parse(order).comparator((name, column) -> ROWS.get(name).get(column)));
    return names;
  }
}
