package io.gadgetflow.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.event.EventType;
import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.WireNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * {@code -o columns} and {@code -o custom-columns=...}: one table row per event, columns as wide as
 * the gadget's descriptor says. A longer value is printed whole and pushes the rest of its row
 * right: a table that hides data would send people to {@code -o json} for the wrong reason. Events
 * that are not {@code normal} (such as {@code lost N samples}) go to stderr as one line.
 */
final class ColumnsPrinter implements EventPrinter {
  private static final String NORMAL = WireNames.of(EventType.NORMAL);

  private final List<EventField> columns;
  private final PrintWriter out;
  private final PrintWriter err;
  private boolean headerPrinted;

  ColumnsPrinter(List<EventField> columns, PrintWriter out, PrintWriter err) {
    this.columns = List.copyOf(columns);
    this.out = out;
    this.err = err;
  }

  @Override
  public void header() {
    headerPrinted = true;
    List<String> names = new ArrayList<>();
    for (EventField column : columns) {
      names.add(column.name().toUpperCase(Locale.ROOT));
    }
    out.println(row(names));
  }

  @Override
  public void event(String json) {
    JsonNode event;
    try {
      event = Json.mapper().readTree(json);
    } catch (IOException e) {
      err.println("kubectl-gadget: skipped an event that is not JSON: " + json);
      return;
    }
    String type = event.path(CommonEventFields.TYPE).asText(NORMAL);
    if (!type.equals(NORMAL)) {
      err.printf(
          "kubectl-gadget: %s from node %s: %s%n",
          type,
          event.path(CommonEventFields.NODE).asText("?"),
          event.path(CommonEventFields.MESSAGE).asText(""));
      return;
    }
    out.println(row(values(event)));
  }

  private List<String> values(JsonNode record) {
    List<String> values = new ArrayList<>();
    for (EventField column : columns) {
      values.add(text(record.get(column.name()), column.type()));
    }
    return values;
  }

  /**
   * A histogram is drawn under the node's name; a list of records (a snapshot) becomes rows of the
   * table, the node filled in where a record lacks it; any other output is printed as the gadget
   * wrote it, under the node's name.
   */
  @Override
  public void result(String node, String output) {
    JsonNode parsed;
    try {
      parsed = Json.mapper().readTree(output);
    } catch (IOException notJson) {
      parsed = null;
    }
    if (parsed != null && parsed.isArray()) {
      if (!headerPrinted) {
        header();
      }
      for (JsonNode record : parsed) {
        if (record instanceof ObjectNode fields && !fields.has(CommonEventFields.NODE)) {
          fields.put(CommonEventFields.NODE, node);
        }
        out.println(row(values(record)));
      }
      return;
    }
    out.println("NODE " + node);
    HistogramText.render(parsed)
        .ifPresentOrElse(lines -> lines.forEach(out::println), () -> out.println(output));
  }

  private String row(List<String> values) {
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

  private static String text(JsonNode value, EventField.Type type) {
    if (value == null || value.isNull()) {
      return "";
    }
    return switch (type) {
      case STRING_ARRAY -> {
        List<String> items = new ArrayList<>();
        value.forEach(item -> items.add(item.asText()));
        yield String.join(" ", items);
      }
      case TIMESTAMP -> Instant.ofEpochSecond(0, value.asLong()).toString();
      default -> value.asText();
    };
  }
}
