package io.gadgetflow.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * A profile gadget's histogram, {@code {"valType":"usecs","data":[{"count":N,"intervalStart":a,
 * "intervalEnd":b},...]}}, drawn as bcc's and Inspektor Gadget's tools draw it: one row per
 * interval with its count and a bar scaled to the largest count.
 */
final class HistogramText {
  private static final int BAR_WIDTH = 40;
  private static final String VALUE_TYPE = "valType";
  private static final String DATA = "data";
  private static final String COUNT = "count";
  private static final String START = "intervalStart";
  private static final String END = "intervalEnd";

  private HistogramText() {}

  /** The histogram's lines, or empty when {@code output} is not a histogram. */
  static Optional<List<String>> render(JsonNode output) {
    if (output == null || !output.path(DATA).isArray() || !output.path(VALUE_TYPE).isTextual()) {
      return Optional.empty();
    }
    long largest = 0;
    for (JsonNode interval : output.path(DATA)) {
      if (!interval.path(COUNT).canConvertToLong()
          || interval.path(COUNT).asLong() < 0
          || !interval.path(START).canConvertToLong()
          || !interval.path(END).canConvertToLong()) {
        return Optional.empty();
      }
      largest = Math.max(largest, interval.path(COUNT).asLong());
    }
    List<String> lines = new ArrayList<>();
    // The colon lines up with the rows' colons, after "%9d -> %-9d".
    lines.add(
        "%-22s : %-8s %s"
            .formatted(
                "     " + TerminalText.neutralise(output.path(VALUE_TYPE).asText()),
                "count",
                "distribution"));
    for (JsonNode interval : output.path(DATA)) {
      long count = interval.path(COUNT).asLong();
      // As a fraction first: count times the width could overflow a long.
      int stars = largest == 0 ? 0 : (int) ((double) count / largest * BAR_WIDTH);
      lines.add(
          "%9d -> %-9d : %-8d |%s|"
              .formatted(
                  interval.path(START).asLong(),
                  interval.path(END).asLong(),
                  count,
                  "*".repeat(stars) + " ".repeat(BAR_WIDTH - stars)));
    }
    return Optional.of(lines);
  }
}
