package io.gadgetflow.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.gadget.EventField;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The lines of a table of events: a header of the columns' names, and one row per event, each
 * column as wide as the gadget's descriptor says, with the event's stacks, if it has any, under it.
 * A longer value is printed whole and pushes the rest of its row right: a table that hides data
 * would send people to {@code -o json} for the wrong reason.
 */
record ColumnText(List<EventField> columns, List<EventField> stacks) {
  ColumnText {
    columns = List.copyOf(columns);
    stacks = List.copyOf(stacks);
  }

  /** Stacks are no columns: they are printed under their row (see {@link #stackLines}). */
  ColumnText(List<EventField> fields) {
    this(
        fields.stream().filter(field -> field.type() != EventField.Type.STACK).toList(),
        fields.stream().filter(field -> field.type() == EventField.Type.STACK).toList());
  }

  String header() {
    List<String> names = new ArrayList<>();
    for (EventField column : columns) {
      names.add(column.name().toUpperCase(Locale.ROOT));
    }
    return line(names);
  }

  /** One event, or one row of a top gadget's table; a missing field is an empty cell. */
  String row(JsonNode record) {
    List<String> values = new ArrayList<>();
    for (EventField column : columns) {
      values.add(text(record.get(column.name()), column.type()));
    }
    return line(values);
  }

  /**
   * The record's stacks, to print under its row as Inspektor Gadget's profile does: each stack in
   * the order of the fields, outermost frame first, one frame a line, indented by a tab.
   */
  List<String> stackLines(JsonNode record) {
    List<String> lines = new ArrayList<>();
    for (EventField stack : stacks) {
      List<String> frames = new ArrayList<>();
      record
          .path(stack.name())
          .forEach(frame -> frames.add("\t" + TerminalText.neutralise(frame.asText())));
      lines.addAll(frames.reversed());
    }
    return lines;
  }

  private String line(List<String> values) {
    StringBuilder line = new StringBuilder();
    for (int i = 0; i < values.size(); i++) {
      String value = values.get(i);
      line.append(value);
      if (i < values.size() - 1) {
        int width = Math.max(columns.get(i).width(), columns.get(i).name().length());
        line.repeat(' ', Math.max(1, width + 1 - value.length()));
      }
    }
    return line.toString().stripTrailing();
  }

  /** A cell's text, neutralised for the terminal: events carry what traced processes chose. */
  private static String text(JsonNode value, EventField.Type type) {
    if (value == null || value.isNull()) {
      return "";
    }
    return TerminalText.neutralise(
        switch (type) {
          case STRING_ARRAY -> {
            List<String> items = new ArrayList<>();
            value.forEach(item -> items.add(item.asText()));
            yield String.join(" ", items);
          }
          case TIMESTAMP -> Instant.ofEpochSecond(0, value.asLong()).toString();
          default -> value.asText();
        });
  }
}
