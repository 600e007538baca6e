package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.trace.Trace;
import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl gadget advise <gadget> stop <trace-id>}: asks every Trace of that start to
 * generate its advice, prints it per node, stops the gadget and deletes the Traces.
 */
@Command(
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Print the advice recorded since start, then stop and remove the Traces.")
final class AdviceStopCommand implements Callable<Integer> {
  private final GadgetDescriptor gadget;

  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Parameters(paramLabel = "TRACE-ID", description = "The trace id start printed.")
  String traceId;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = OutputFormat.COLUMNS,
      description =
          "columns (each node's name, then its advice) or json (one line per node)"
              + " (default: ${DEFAULT-VALUE}).")
  String output;

  private AdviceStopCommand(GadgetDescriptor gadget) {
    this.gadget = gadget;
  }

  static CommandLine commandLine(GadgetDescriptor gadget) {
    return new CommandLine(new AdviceStopCommand(gadget));
  }

  @Override
  public Integer call() {
    if (!output.equals(OutputFormat.COLUMNS) && !output.equals(OutputFormat.JSON)) {
      throw new ParameterException(
          spec.commandLine(),
          "-o: \"%s\" is not an output format here: use columns or json".formatted(output));
    }
    OutputFormat format = OutputFormat.parse(output, gadget);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    String namespace = Trace.DEFAULT_NAMESPACE;
    try (Cluster connected = Cluster.connect(cluster.kubeconfig)) {
      List<Trace> traces =
          connected
              .client()
              .resources(Trace.class)
              .inNamespace(namespace)
              .withLabel(TraceGroup.TRACE_ID_LABEL, traceId)
              .list()
              .getItems()
              .stream()
              .filter(trace -> gadget.name().equals(trace.getSpec().getGadget()))
              .toList();
      if (traces.isEmpty()) {
        throw new CommandFailure(
            "no %s Trace has trace id %s in namespace %s (kubectl gadget %s %s list shows them)"
                .formatted(
                    gadget.name(),
                    traceId,
                    namespace,
                    gadget.category().folderName(),
                    gadget.command()));
      }
      Map<String, String> nodeByTrace = new LinkedHashMap<>();
      traces.forEach(
          trace -> nodeByTrace.put(trace.getMetadata().getName(), trace.getSpec().getNode()));
      TraceGroup group = TraceGroup.existing(connected.client(), namespace, traceId);
      try (TraceBoard board = TraceBoard.watch(connected.client(), namespace, traceId)) {
        return new GadgetRun(
                gadget,
                GadgetPlan.of(gadget),
                group,
                board,
                null,
                EventPrinter.of(format, out, err),
                out,
                err,
                cluster.progress(err))
            .finish(nodeByTrace);
      }
    }
  }
}
