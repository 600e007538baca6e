package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceFilter;
import java.io.PrintWriter;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import java.util.function.Function;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code kubectl gadget advise <gadget> start}: starts the advisor on every agent's node (or {@code
 * --node}) and prints the trace id that {@code stop} takes. Its Traces carry no owning process, so
 * they outlive this command and no later run takes them for leftovers.
 */
@Command(
    mixinStandardHelpOptions = true,
    sortOptions = false,
    description = "Start recording; prints the trace id to give to stop.")
final class AdviceStartCommand implements Callable<Integer> {
  /** Starting prints only the trace id; results are stop's to print. */
  private static final Function<PrintWriter, EventPrinter> NO_EVENTS = JsonLinesPrinter::new;

  private final GadgetDescriptor gadget;
  private final Map<String, String> env;
  private final FilterOptions filter = new FilterOptions();

  @Spec CommandSpec spec;

  @Mixin ClusterOptions cluster;

  @Mixin KafkaOptions kafka;

  @Option(
      names = "--node",
      paramLabel = "NODE",
      description = "Run on this node only (default: every node known to run an agent).")
  String node;

  private AdviceStartCommand(GadgetDescriptor gadget, Map<String, String> env) {
    this.gadget = gadget;
    this.env = env;
  }

  static CommandLine commandLine(GadgetDescriptor gadget, Map<String, String> env) {
    AdviceStartCommand command = new AdviceStartCommand(gadget, env);
    CommandLine commandLine = new CommandLine(command);
    CommandSpec spec = commandLine.getCommandSpec();
    if (gadget.supportsFilter()) {
      spec.addMixin("filter", CommandSpec.forAnnotatedObject(command.filter));
    }
    GadgetParameters.addOptions(spec, gadget);
    return commandLine;
  }

  @Override
  public Integer call() {
    Map<String, String> parameters = GadgetParameters.given(spec, gadget);
    GadgetPlan plan = GadgetPlan.of(gadget);
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> progress = cluster.progress(err);
    TopicNames topics = KafkaOptions.topics(env);
    try (Cluster connected = Cluster.connect(cluster.kubeconfig)) {
      TraceFilter traceFilter =
          gadget.supportsFilter() ? filter.toFilter(connected.defaultNamespace()) : null;
      String namespace = Trace.DEFAULT_NAMESPACE;
      LeftoverTraces.deleteReporting(connected.client(), namespace, err);
      List<String> nodes =
          AgentNodes.require(
              node, connected.client(), kafka.clients(env), topics.status(), progress);
      TraceGroup group = TraceGroup.create(connected.client(), namespace, null);
      try (TraceBoard board = TraceBoard.watch(connected.client(), namespace, group.traceId())) {
        int status =
            new GadgetRun(
                    gadget, plan, group, board, null, NO_EVENTS.apply(out), out, err, progress)
                .start(nodes, traceFilter, parameters);
        if (status == 0) {
          out.println(group.traceId());
        }
        return status;
      }
    }
  }
}
