package io.gadgetflow.kubectl;

import java.io.PrintWriter;

/**
 * Prints a gadget's events as they arrive, and its results, on stdout in the format {@code -o}
 * asked for.
 */
sealed interface EventPrinter permits ColumnsPrinter, JsonLinesPrinter {

  static EventPrinter of(OutputFormat format, PrintWriter out, PrintWriter err) {
    return format.json()
        ? new JsonLinesPrinter(out)
        : new ColumnsPrinter(format.columns(), out, err);
  }

  /** Printed once the gadget runs, before any event. */
  void header();

  /** One event, as the JSON value of its Kafka record. */
  void event(String json);

  /** One node's result from its Trace's {@code status.output}, for gadgets that report there. */
  void result(String node, String output);
}
