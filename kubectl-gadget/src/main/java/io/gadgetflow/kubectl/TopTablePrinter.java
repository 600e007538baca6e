package io.gadgetflow.kubectl;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.event.CommonEventFields;
import io.gadgetflow.api.gadget.EventField;
import io.gadgetflow.api.gadget.SortOrder;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A top gadget's reports as tables, the way Inspektor Gadget's {@code kubectl gadget top} prints
 * them. On a terminal the table is redrawn in place: each report clears the screen and prints the
 * header and the rows of every node's latest report, sorted again and cut to {@code max_rows}
 * together. Otherwise each report is printed as it comes, after an empty line: its header and its
 * node's rows. Events that are not {@code normal} go to stderr as one line.
 */
final class TopTablePrinter implements EventPrinter {
  /** Cursor home, then erase the screen: what Inspektor Gadget prints before each table. */
  static final String CLEAR_SCREEN = "\033[H\033[2J";

  private static final String STATS = "stats";

  private final ColumnText table;
  private final SortOrder order;
  private final long maxRows;
  private final boolean terminal;
  private final PrintWriter out;
  private final PrintWriter err;

  /** Each node's latest rows, for the redrawn table. */
  private final Map<String, List<JsonNode>> rowsByNode = new LinkedHashMap<>();

  TopTablePrinter(
      List<EventField> columns,
      SortOrder order,
      long maxRows,
      boolean terminal,
      PrintWriter out,
      PrintWriter err) {
    this.table = new ColumnText(columns);
    this.order = order;
    this.maxRows = maxRows;
    this.terminal = terminal;
    this.out = out;
    this.err = err;
  }

  /** On a terminal, an empty table until the first report; otherwise nothing. */
  @Override
  public void header() {
    if (terminal) {
      redraw();
    }
  }

  @Override
  public void event(String json) {
    JsonNode report = NormalEvents.parse(json, err);
    if (report == null) {
      return;
    }
    List<JsonNode> rows = new ArrayList<>();
    report.path(STATS).forEach(rows::add);
    if (!terminal) {
      out.println();
      out.println(table.header());
      rows.forEach(row -> out.println(table.row(row)));
      return;
    }
    rowsByNode.put(report.path(CommonEventFields.NODE).asText(""), rows);
    redraw();
  }

  /** Top gadgets report in their stream, never in the status. */
  @Override
  public void result(String node, String output) {
    out.println("NODE " + node);
    out.println(TerminalText.neutralise(output));
  }

  private void redraw() {
    out.print(CLEAR_SCREEN);
    out.println(table.header());
    rowsByNode.values().stream()
        .flatMap(List::stream)
        .sorted(order.comparator(TopTablePrinter::column))
        .limit(maxRows)
        .forEach(row -> out.println(table.row(row)));
  }

  /** A row's value to sort by: a number, a string or a boolean, as the node sent it. */
  private static Comparable<?> column(JsonNode row, String column) {
    JsonNode value = row.get(column);
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isIntegralNumber()) {
      return value.asLong();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    return value.asText();
  }
}
