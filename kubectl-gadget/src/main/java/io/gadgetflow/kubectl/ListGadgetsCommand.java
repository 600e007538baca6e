package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.json.WireNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code kubectl gadget list-gadgets}: the catalogue, as a table or as its descriptors in JSON. */
@Command(
    name = "list-gadgets",
    mixinStandardHelpOptions = true,
    description = "List the gadgets of the catalogue.")
final class ListGadgetsCommand implements Callable<Integer> {
  private final List<GadgetDescriptor> catalogue;

  @Spec CommandSpec spec;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = OutputFormat.COLUMNS,
      description = "columns or json (every descriptor in full).")
  String output;

  ListGadgetsCommand(List<GadgetDescriptor> catalogue) {
    this.catalogue = List.copyOf(catalogue);
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    switch (output) {
      case OutputFormat.JSON -> {
        try {
          out.println(Json.mapper().writeValueAsString(catalogue));
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
      case OutputFormat.COLUMNS -> {
        List<List<String>> rows = new ArrayList<>();
        rows.add(List.of("COMMAND", "GADGET", "OUTPUT", "DESCRIPTION"));
        for (GadgetDescriptor gadget : catalogue) {
          rows.add(
              List.of(
                  gadget.category().folderName() + " " + gadget.command(),
                  gadget.name(),
                  String.join(
                      ",",
                      new TreeSet<>(gadget.outputModes().stream().map(WireNames::of).toList())),
                  gadget.description()));
        }
        printTable(out, rows);
      }
      default ->
          throw new ParameterException(
              spec.commandLine(),
              "-o: \"%s\" is not an output format here: use columns or json"
                  .formatted(output.toLowerCase(Locale.ROOT)));
    }
    return 0;
  }

  /** Each column as wide as its widest value, at least as wide as Inspektor Gadget's. */
  private static void printTable(PrintWriter out, List<List<String>> rows) {
    int[] widths = {16, 18, 17};
    for (List<String> row : rows) {
      for (int column = 0; column < widths.length; column++) {
        widths[column] = Math.max(widths[column], row.get(column).length());
      }
    }
    for (List<String> row : rows) {
      StringBuilder line = new StringBuilder();
      for (int column = 0; column < widths.length; column++) {
        line.append(row.get(column)).repeat(' ', widths[column] + 1 - row.get(column).length());
      }
      out.println(line.append(row.get(widths.length)));
    }
  }
}
