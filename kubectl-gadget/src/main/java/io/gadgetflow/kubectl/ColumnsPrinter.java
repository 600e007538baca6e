package io.gadgetflow.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.json.Json;
import java.io.IOException;
import java.io.PrintWriter;
import java.util.List;

/**
 * {@code -o columns} and {@code -o custom-columns=...}: one table row per event (see {@link
 * ColumnText}). Events that are not {@code normal} (such as {@code lost N samples}) go to stderr as
 * one line.
 */
final class ColumnsPrinter implements EventPrinter {
  private final ColumnText table;
  private final PrintWriter out;
  private final PrintWriter err;
  private boolean headerPrinted;

  ColumnsPrinter(List<EventField> columns, PrintWriter out, PrintWriter err) {
    this.table = new ColumnText(columns);
    this.out = out;
    this.err = err;
  }

  @Override
  public void header() {
    headerPrinted = true;
    out.println(table.header());
  }

  @Override
  public void event(String json) {
    JsonNode event = NormalEvents.parse(json, err);
    if (event != null) {
      out.println(table.row(event));
    }
  }

  /**
   * A histogram is drawn under the node's name; a list of records (a snapshot, a profile's stacks)
   * becomes rows of the table, the node filled in where a record lacks it; any other output is
   * printed as the gadget wrote it, under the node's name.
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
        out.println(table.row(record));
        table.stackLines(record).forEach(out::println);
      }
      return;
    }
    out.println("NODE " + node);
    HistogramText.render(parsed)
        .ifPresentOrElse(
            lines -> lines.forEach(out::println),
            () -> out.println(TerminalText.neutralise(output)));
  }
}
