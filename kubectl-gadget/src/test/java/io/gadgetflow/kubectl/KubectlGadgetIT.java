package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The real {@code kubectl gadget}, run by the real kubectl as a separate process, against the run's
 * API server and broker, with the controller and this machine's node agent in this JVM.
 */
@WithKafka
@WithKubernetes
// The Node objects registered for a test are its try-with-resources, referenced by nothing else.
@SuppressWarnings("try")
class KubectlGadgetIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  static GadgetFlowRoles roles;

  @BeforeAll
  static void startControllerAndNodeAgent(KubernetesCluster cluster, KafkaBroker kafka) {
    roles = GadgetFlowRoles.start(cluster, kafka);
  }

  @AfterAll
  static void stopControllerAndNodeAgent() {
    roles.close();
  }

  @Test
  void traceExecStreamsJsonUntilCtrlCAndLeavesNoTraceBehind(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    // As a kubelet would have registered it; this is how the plugin finds the node.
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node())) {
      Trace leftover = createLeftoverOfADeadRun(cluster);
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "trace",
              "exec",
              "-o",
              "json",
              "-A",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        String marker = "kubectl-gadget-it-" + UUID.randomUUID();
        JsonNode event = awaitExecEvent(plugin, marker);

        assertThat(event.path("comm").asText()).isEqualTo("true");
        assertThat(event.path("args").toString()).contains(marker);
        assertThat(event.path("node").asText()).isEqualTo(roles.node());
        // The plugin deleted it before it started; the controller removes it from the cluster.
        cluster
            .client()
            .resource(leftover)
            .waitUntilCondition(Objects::isNull, TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        plugin.interrupt();
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
        assertThat(plugin.stderr())
            .as("the leftover is all there is to say")
            .isEqualTo(
                "kubectl-gadget: deleted Trace gadget/%s, left behind by an earlier run that ended without cleaning up\n"
                    .formatted(leftover.getMetadata().getName()));
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void traceOpenPrintsColumnsUntilItsTimeoutAndLeavesNoTraceBehind(
      KubernetesCluster cluster, KafkaBroker kafka, @TempDir Path directory) throws Exception {
    Path marker = Files.writeString(directory.resolve("opened-" + UUID.randomUUID()), "x");
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node())) {
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "trace",
              "open",
              "-A",
              "-o",
              "custom-columns=node,path",
              "--timeout",
              "20",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        // The header comes once a node runs the gadget: from then on every open is seen.
        assertThat(plugin.nextLine(TIMEOUT)).as(plugin.stderr()).matches("NODE +PATH");
        Files.readString(marker);
        String row = awaitLineContaining(plugin, marker.toString(), TIMEOUT);

        assertThat(row)
            .matches(Pattern.quote(roles.node()) + " +" + Pattern.quote(marker.toString()));
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void escapeSequencesInATracedProcesssArgsArePrintedHarmless(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node())) {
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "trace",
              "exec",
              "-A",
              "-o",
              "custom-columns=comm,args",
              "--timeout",
              "30",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        assertThat(plugin.nextLine(TIMEOUT)).as(plugin.stderr()).matches("COMM +ARGS");
        String marker = "kubectl-gadget-escape-" + UUID.randomUUID();
        // Sets the terminal's title, clears the screen and turns the text red, if printed raw.
        String hostile = marker + "\u001b]0;owned\u0007\u001b[2J\u001b[31m\u009b1m";
        String row = null;
        Instant deadline = Instant.now().plus(TIMEOUT);
        while (row == null && Instant.now().isBefore(deadline)) {
          Process traced = new ProcessBuilder("/bin/true", hostile).start();
          assertThat(traced.waitFor(10, TimeUnit.SECONDS)).isTrue();
          row = lineContaining(plugin, marker, Duration.ofSeconds(2));
        }

        assertThat(row).as(plugin.stderr()).isNotNull();
        assertThat(row)
            .endsWith(marker + "\\x1b]0;owned\\x07\\x1b[2J\\x1b[31m\\x9b1m")
            .doesNotContain("\u001b", "\u0007", "\u009b");
      } finally {
        plugin.kill();
      }
    }
  }

  @Test
  void aNodeThatDoesNotAnswerIsReportedWhileTheOthersGoOn(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    String ghost = "ghost-" + UUID.randomUUID().toString().substring(0, 8);
    try (AutoCloseable registered = GadgetFlowRoles.registerNodes(cluster, roles.node(), ghost)) {
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "trace",
              "exec",
              "-o",
              "json",
              "-A",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        awaitExecEvent(plugin, "kubectl-gadget-it-" + UUID.randomUUID());
        // The controller gives up on the node after its operation timeout (4 s here).
        plugin.awaitStderrContaining(
            "kubectl-gadget: node %s: Node \"%s\" did not answer operation \"start\""
                .formatted(ghost, ghost),
            TIMEOUT);

        plugin.interrupt();
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    }
  }

  static Stream<Arguments> mistakes() {
    return Stream.of(
        Arguments.of(
            List.of("trace", "nosuch"), 2, "no gadget \"trace nosuch\" is in the catalogue"),
        Arguments.of(List.of("bogus"), 2, "unknown command \"bogus\"; the commands are trace,"),
        Arguments.of(
            List.of("trace", "exec", "--timeout", "soon"),
            2,
            "Invalid value for option '--timeout': 'soon' is not an int"),
        Arguments.of(
            List.of("trace", "exec", "--kubeconfig", "{unreachable}"),
            1,
            "no Kubernetes cluster reachable at https://127.0.0.1:1/"),
        Arguments.of(
            List.of(
                "trace", "exec", "--kubeconfig", "{kubeconfig}", "--kafka-bootstrap", "{kafka}"),
            1,
            "no node is known to run a GadgetFlow node agent"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("mistakes")
  void mistakesArePrintedOnOneLineWithANonZeroExit(
      List<String> arguments,
      int exitStatus,
      String message,
      KubernetesCluster cluster,
      KafkaBroker kafka,
      @TempDir Path directory)
      throws Exception {
    Path unreachable = directory.resolve("unreachable-kubeconfig");
    Files.writeString(
        unreachable,
        """
        apiVersion: v1
        kind: Config
        clusters: [{name: nowhere, cluster: {server: "https://127.0.0.1:1"}}]
        contexts: [{name: nowhere, context: {cluster: nowhere, user: nobody}}]
        users: [{name: nobody, user: {token: none}}]
        current-context: nowhere
        """);
    // A status topic no agent wrote to, so that no agent is known from it either.
    TopicNames topics = roles.topics();
    TopicNames silent =
        new TopicNames(topics.control(), kafka.createTopic("silent-status"), topics.events());
    String[] resolved =
        arguments.stream()
            .map(
                argument ->
                    switch (argument) {
                      case "{unreachable}" -> unreachable.toString();
                      case "{kubeconfig}" -> cluster.kubeconfig().toString();
                      case "{kafka}" -> kafka.bootstrapServers();
                      default -> argument;
                    })
            .toArray(String[]::new);

    PluginProcess plugin = PluginProcess.start(GadgetFlowRoles.environment(silent), resolved);
    int status = plugin.awaitExit(TIMEOUT);

    assertThat(status).as(plugin.stderr()).isEqualTo(exitStatus);
    assertThat(plugin.stderr().lines().toList())
        .singleElement()
        .satisfies(line -> assertThat(line).startsWith("kubectl-gadget: ").contains(message));
    assertThat(plugin.remainingStdout()).isEmpty();
  }

  /** Runs {@code /bin/true <marker>} until the plugin prints its exec event, and returns that. */
  private static JsonNode awaitExecEvent(PluginProcess plugin, String marker) throws Exception {
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      // The Traces may not run yet; an exec before they do is not seen, so exec until one is.
      Process traced = new ProcessBuilder("/bin/true", marker).start();
      assertThat(traced.waitFor(10, TimeUnit.SECONDS)).isTrue();
      Instant lookUntil = Instant.now().plusSeconds(2);
      for (String line = plugin.nextLine(Duration.ofSeconds(2));
          line != null;
          line = plugin.nextLine(Duration.between(Instant.now(), lookUntil))) {
        if (line.contains(marker)) {
          return Json.mapper().readTree(line);
        }
        if (Instant.now().isAfter(lookUntil)) {
          break;
        }
      }
    }
    throw new AssertionError("no exec event with " + marker + "; stderr: " + plugin.stderr());
  }

  /** A Trace as a run that was killed outright leaves it: labelled, created by a dead process. */
  private static Trace createLeftoverOfADeadRun(KubernetesCluster cluster) throws Exception {
    Process dead = new ProcessBuilder("/bin/true").start();
    assertThat(dead.waitFor(10, TimeUnit.SECONDS)).isTrue();
    TraceSpec spec = new TraceSpec();
    spec.setNode(roles.node());
    spec.setGadget("execsnoop");
    spec.setRunMode(RunMode.MANUAL);
    spec.setOutputMode(OutputMode.STREAM);
    Trace trace = new Trace();
    trace.setMetadata(
        new ObjectMetaBuilder()
            .withName("leftover-" + UUID.randomUUID().toString().substring(0, 8))
            .withNamespace(Trace.DEFAULT_NAMESPACE)
            .addToLabels(TraceGroup.TRACE_ID_LABEL, "leftover")
            .addToLabels(TraceGroup.MANAGED_BY_LABEL, TraceGroup.MANAGED_BY)
            .addToAnnotations(
                LeftoverTraces.OWNER_ANNOTATION, LeftoverTraces.owner(dead.pid(), Instant.now()))
            .build());
    trace.setSpec(spec);
    return cluster.client().resource(trace).create();
  }

  /** The next line with {@code text} within {@code timeout}, or null. */
  private static String lineContaining(PluginProcess plugin, String text, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      String line = plugin.nextLine(Duration.between(Instant.now(), deadline));
      if (line != null && line.contains(text)) {
        return line;
      }
    }
    return null;
  }

  private static String awaitLineContaining(PluginProcess plugin, String text, Duration timeout)
      throws InterruptedException {
    Instant deadline = Instant.now().plus(timeout);
    while (Instant.now().isBefore(deadline)) {
      String line = plugin.nextLine(Duration.between(Instant.now(), deadline));
      if (line != null && line.contains(text)) {
        return line;
      }
    }
    throw new AssertionError("no line with " + text + "; stderr: " + plugin.stderr());
  }
}
