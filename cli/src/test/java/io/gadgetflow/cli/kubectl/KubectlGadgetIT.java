package io.gadgetflow.cli.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.api.trace.RunMode;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceSpec;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.ControllerVerticle;
import io.gadgetflow.controller.leader.LeaderElection;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
class KubectlGadgetIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  static Vertx vertx;
  static TopicNames topics;
  static String node;

  @BeforeAll
  static void startControllerAndNodeAgent(KubernetesCluster cluster, KafkaBroker kafka)
      throws IOException {
    node = InetAddress.getLocalHost().getHostName();
    topics =
        new TopicNames(
            kafka.createTopic("control"), kafka.createTopic("status"), kafka.createTopic("events"));
    vertx = Vertx.vertx();
    ControllerConfig controller =
        new ControllerConfig(
            kafka.bootstrapServers(),
            topics,
            Trace.DEFAULT_NAMESPACE,
            Trace.DEFAULT_NAMESPACE,
            "kubectl-gadget-it",
            "controller-0",
            Duration.ofSeconds(4),
            Duration.ofSeconds(4),
            new LeaderElection.Timing(
                Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)));
    await(
        vertx.deployVerticle(
            new ControllerVerticle(controller, cluster.client(), Clock.systemUTC())));
    NodeConfig defaults = NodeConfig.defaults(node, kafka.bootstrapServers());
    await(
        vertx.deployVerticle(
            new NodeVerticle(
                new NodeConfig(
                    node,
                    kafka.bootstrapServers(),
                    topics,
                    defaults.ringBufferBytes(),
                    defaults.eventQueueCapacity(),
                    Duration.ofMillis(200)),
                Clock.systemUTC())));
  }

  @AfterAll
  static void stopControllerAndNodeAgent() {
    await(vertx.close());
  }

  @Test
  void traceExecStreamsJsonUntilCtrlCAndLeavesNoTraceBehind(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    // As a kubelet would have registered it; this is how the plugin finds the node.
    Node registered =
        cluster
            .client()
            .nodes()
            .resource(new NodeBuilder().withNewMetadata().withName(node).endMetadata().build())
            .create();
    try {
      Trace leftover = createLeftoverOfADeadRun(cluster);
      PluginProcess plugin =
          PluginProcess.start(
              environment(topics),
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
        assertThat(event.path("node").asText()).isEqualTo(node);
        // The plugin deleted it before it started; the controller removes it from the cluster.
        cluster
            .client()
            .resource(leftover)
            .waitUntilCondition(Objects::isNull, TIMEOUT.toSeconds(), TimeUnit.SECONDS);

        plugin.interrupt();
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
        assertThat(tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    } finally {
      cluster.client().resource(registered).delete();
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

    PluginProcess plugin = PluginProcess.start(environment(silent), resolved);
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
    spec.setNode(node);
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

  private static List<Trace> tracesOfThePlugin(KubernetesCluster cluster) {
    return cluster
        .client()
        .resources(Trace.class)
        .inNamespace(Trace.DEFAULT_NAMESPACE)
        .withLabel(TraceGroup.MANAGED_BY_LABEL, TraceGroup.MANAGED_BY)
        .list()
        .getItems();
  }

  private static Map<String, String> environment(TopicNames topicNames) {
    return Map.of(
        "GADGETFLOW_TOPIC_STATUS",
        topicNames.status(),
        "GADGETFLOW_TOPIC_EVENTS",
        topicNames.events());
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
