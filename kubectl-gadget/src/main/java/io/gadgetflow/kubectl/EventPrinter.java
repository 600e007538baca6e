package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetCategory;
import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.gadget.TopParameters;
import java.io.PrintWriter;
import java.util.Map;

/**
 * Prints a gadget's events as they arrive, and its results, on stdout in the format {@code -o}
 * asked for.
 */
sealed interface EventPrinter permits ColumnsPrinter, JsonLinesPrinter, TopTablePrinter {

  static EventPrinter of(OutputFormat format, PrintWriter out, PrintWriter err) {
    return format.json()
        ? new JsonLinesPrinter(out)
        : new ColumnsPrinter(format.columns(), out, err);
  }

  /**
   * The printer for {@code gadget} run with {@code parameters}: a top gadget's reports become
   * tables, redrawn in place when {@code terminal} (stdout and stdin are one).
   */
  static EventPrinter of(
      OutputFormat format,
      GadgetDescriptor gadget,
      Map<String, String> parameters,
      boolean terminal,
      PrintWriter out,
      PrintWriter err) {
    if (format.json() || gadget.category() != GadgetCategory.TOP) {
      return of(format, out, err);
    }
    return new TopTablePrinter(
        format.columns(),
        TopParameters.sortOrder(gadget, parameters.get(TopParameters.SORT_BY)),
        Long.parseLong(
            parameters.getOrDefault(
                TopParameters.MAX_ROWS,
                gadget.parameter(TopParameters.MAX_ROWS).orElseThrow().defaultValue())),
        terminal,
        out,
        err);
  }

  /** Printed once the gadget runs, before any event. */
  void header();

  /** One event, as the JSON value of its Kafka record. */
  void event(String json);

  /** One node's result from its Trace's {@code status.output}, for gadgets that report there. */
  void result(String node, String output);
}
