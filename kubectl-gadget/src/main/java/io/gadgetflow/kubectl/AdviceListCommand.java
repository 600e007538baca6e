package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.json.WireNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceFilter;
import java.io.PrintWriter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl gadget advise <gadget> list}: the Traces that {@code start} left recording, one
 * row each, with the trace id {@code stop} takes.
 */
@Command(
    mixinStandardHelpOptions = true,
    description = "List what records: one row per node, with the trace id to give to stop.")
final class AdviceListCommand implements Callable<Integer> {
  private static final String ROW = "%-18s %-16s %-16s %-16s %-16s %s%n";

  private final GadgetDescriptor gadget;

  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  AdviceListCommand(GadgetDescriptor gadget) {
    this.gadget = gadget;
  }

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (Cluster connected = Cluster.connect(cluster.kubeconfig)) {
      List<Trace> traces =
          connected
              .client()
              .resources(Trace.class)
              .inNamespace(Trace.DEFAULT_NAMESPACE)
              .withLabel(TraceGroup.MANAGED_BY_LABEL, TraceGroup.MANAGED_BY)
              .list()
              .getItems()
              .stream()
              .filter(trace -> gadget.name().equals(trace.getSpec().getGadget()))
              .filter(trace -> trace.getMetadata().getDeletionTimestamp() == null)
              .sorted(Comparator.comparing(AdviceListCommand::traceId))
              .toList();
      out.printf(ROW, "TRACE ID", "NODE", "NAMESPACE", "POD", "CONTAINER", "STATE");
      for (Trace trace : traces) {
        TraceFilter filter = trace.getSpec().getFilter();
        out.printf(
            ROW,
            traceId(trace),
            trace.getSpec().getNode(),
            filter == null ? "" : Objects.toString(filter.namespace(), ""),
            filter == null ? "" : Objects.toString(filter.podname(), ""),
            filter == null ? "" : Objects.toString(filter.containerName(), ""),
            trace.getStatus() == null || trace.getStatus().getState() == null
                ? ""
                : WireNames.of(trace.getStatus().getState()));
      }
    }
    return 0;
  }

  private static String traceId(Trace trace) {
    Map<String, String> labels = trace.getMetadata().getLabels();
    return labels == null ? "" : Objects.toString(labels.get(TraceGroup.TRACE_ID_LABEL), "");
  }
}
