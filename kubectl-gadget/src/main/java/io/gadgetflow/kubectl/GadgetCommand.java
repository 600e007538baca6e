package io.gadgetflow.kubectl;

import io.gadgetflow.api.gadget.GadgetDescriptor;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.kafka.KafkaClients;
import java.io.Console;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * One gadget of the catalogue as a command, e.g. {@code kubectl gadget trace exec}: its filter
 * flags when it looks at containers, and one {@code --<name>} option per gadget parameter, all read
 * from its descriptor.
 */
@Command(mixinStandardHelpOptions = true, sortOptions = false)
final class GadgetCommand implements Callable<Integer> {
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

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FORMAT",
      defaultValue = OutputFormat.COLUMNS,
      description = "columns, json or custom-columns=<field>,... (default: ${DEFAULT-VALUE}).")
  String output;

  @Option(
      names = "--timeout",
      paramLabel = "SECONDS",
      defaultValue = "0",
      description = "Stop after this many seconds (default: run until Ctrl-C).")
  int timeoutSeconds;

  private GadgetCommand(GadgetDescriptor gadget, Map<String, String> env) {
    this.gadget = gadget;
    this.env = env;
  }

  /** The command for {@code gadget}, reading Kafka and topic settings from {@code env}. */
  static CommandLine commandLine(GadgetDescriptor gadget, Map<String, String> env) {
    GadgetCommand command = new GadgetCommand(gadget, env);
    CommandLine commandLine = new CommandLine(command);
    CommandSpec spec = commandLine.getCommandSpec();
    spec.usageMessage().description(gadget.description() + " (gadget " + gadget.name() + ").");
    if (gadget.supportsFilter()) {
      spec.addMixin("filter", CommandSpec.forAnnotatedObject(command.filter));
    }
    GadgetParameters.addOptions(spec, gadget);
    return commandLine;
  }

  @Override
  public Integer call() {
    CommandLine commandLine = spec.commandLine();
    if (timeoutSeconds < 0) {
      throw new ParameterException(
          commandLine, "--timeout takes a number of seconds, 0 or more, not " + timeoutSeconds);
    }
    OutputFormat format;
    try {
      format = OutputFormat.parse(output, gadget);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(commandLine, "-o: " + e.getMessage());
    }
    Map<String, String> parameters = GadgetParameters.given(spec, gadget);
    GadgetPlan plan = GadgetPlan.of(gadget);
    TopicNames topics = KafkaOptions.topics(env);
    KafkaClients kafkaClients = kafka.clients(env);
    // Kafka and the cluster are reached at the same time: each is a wait for the user.
    PrintWriter err = commandLine.getErr();
    CompletableFuture<EventTopic> opening =
        plan.streamsEvents()
            ? CompletableFuture.supplyAsync(
                () ->
                    EventTopic.openAtEnd(
                        kafkaClients,
                        topics.events(),
                        told -> err.println("kubectl-gadget: " + TerminalText.neutralise(told))),
                task -> Thread.ofVirtual().start(task))
            : CompletableFuture.completedFuture(null);
    try (Cluster connected = Cluster.connect(cluster.kubeconfig)) {
      return run(connected, plan, opening, format, parameters, kafkaClients, topics);
    } finally {
      opening.thenAccept(events -> Optional.ofNullable(events).ifPresent(EventTopic::close));
    }
  }

  private int run(
      Cluster connected,
      GadgetPlan plan,
      CompletableFuture<EventTopic> opening,
      OutputFormat format,
      Map<String, String> parameters,
      KafkaClients kafkaClients,
      TopicNames topics) {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Consumer<String> progress = cluster.progress(err);
    TraceFilter traceFilter =
        gadget.supportsFilter() ? filter.toFilter(connected.defaultNamespace()) : null;
    String namespace = Trace.DEFAULT_NAMESPACE;
    LeftoverTraces.deleteReporting(connected.client(), namespace, err);
    List<String> nodes =
        AgentNodes.require(node, connected.client(), kafkaClients, topics.status(), progress);
    EventTopic events = join(opening);
    TraceGroup group =
        TraceGroup.create(connected.client(), namespace, LeftoverTraces.thisProcess());
    try (TraceBoard board = TraceBoard.watch(connected.client(), namespace, group.traceId())) {
      return new GadgetRun(
              gadget,
              plan,
              group,
              board,
              events,
              EventPrinter.of(format, gadget, parameters, isTerminal(), out, err),
              out,
              err,
              progress)
          .run(nodes, traceFilter, parameters, Duration.ofSeconds(timeoutSeconds));
    }
  }

  /** Whether a person watches: stdin and stdout are a terminal. */
  private static boolean isTerminal() {
    Console console = System.console();
    return console != null && console.isTerminal();
  }

  private static EventTopic join(CompletableFuture<EventTopic> opening) {
    try {
      return opening.join();
    } catch (CompletionException e) {
      throw e.getCause() instanceof RuntimeException cause ? cause : e;
    }
  }
}
