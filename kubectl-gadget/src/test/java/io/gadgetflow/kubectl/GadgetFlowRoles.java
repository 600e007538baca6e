package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.ControllerVerticle;
import io.gadgetflow.controller.identity.NodeTrust;
import io.gadgetflow.controller.leader.LeaderElection;
import io.gadgetflow.controller.reconcile.TracePolicy;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.NodeKeyDirectory;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The controller and this machine's node agent, real, in the test's JVM, on topics of their own on
 * the run's broker and the run's API server: what {@code kubectl gadget} drives in the ITs.
 */
final class GadgetFlowRoles implements AutoCloseable {
  private final Vertx vertx;
  private final TopicNames topics;
  private final String node;
  private final String nodeAgent;
  private boolean closed;

  private GadgetFlowRoles(Vertx vertx, TopicNames topics, String node, String nodeAgent) {
    this.vertx = vertx;
    this.topics = topics;
    this.node = node;
    this.nodeAgent = nodeAgent;
  }

  static GadgetFlowRoles start(KubernetesCluster cluster, KafkaBroker kafka) {
    return start(cluster.client(), kafka);
  }

  /** The roles against the API server {@code client} talks to. */
  static GadgetFlowRoles start(KubernetesClient client, KafkaBroker kafka) {
    String node;
    try {
      node = InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    TopicNames topics =
        new TopicNames(
            kafka.createTopic("control"), kafka.createTopic("status"), kafka.createTopic("events"));
    Vertx vertx = Vertx.vertx();
    Path nodeKeys = NodeKeyDirectory.temporary();
    ControllerConfig controller =
        new ControllerConfig(
            kafka.bootstrapServers(),
            topics,
            Trace.DEFAULT_NAMESPACE,
            Trace.DEFAULT_NAMESPACE,
            "kubectl-gadget-it-" + topics.control(),
            "controller-0",
            Duration.ofSeconds(4),
            Duration.ofSeconds(4),
            Duration.ofSeconds(1),
            ControllerConfig.DEFAULT_STATUS_COUNTER_WRITES_PER_SECOND,
            new LeaderElection.Timing(
                Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)),
            ControllerConfig.DEFAULT_CACHE_SYNC_TIMEOUT,
            KafkaSecurity.PLAINTEXT,
            TracePolicy.NO_TENANTS,
            NodeTrust.directory(nodeKeys));
    await(vertx.deployVerticle(new ControllerVerticle(controller, client, Clock.systemUTC())));
    String nodeAgent =
        await(
            vertx.deployVerticle(
                new NodeVerticle(
                    NodeConfig.defaults(node, kafka.bootstrapServers())
                        .withKeyDirectory(nodeKeys)
                        .withTopics(topics)
                        .withReportInterval(Duration.ofMillis(200))
                        .withContainerAwareness(null),
                    client,
                    Clock.systemUTC())));
    return new GadgetFlowRoles(vertx, topics, node, nodeAgent);
  }

  /** The node the agent runs as: this machine's name. */
  String node() {
    return node;
  }

  /** Stops the node agent as a failing node would: it answers nothing any more. */
  void stopNodeAgent() {
    await(vertx.undeploy(nodeAgent));
  }

  TopicNames topics() {
    return topics;
  }

  /** The plugin's environment for these roles' topics. */
  Map<String, String> environment() {
    return environment(topics);
  }

  static Map<String, String> environment(TopicNames topicNames) {
    return Map.of(
        "GADGETFLOW_TOPIC_STATUS",
        topicNames.status(),
        "GADGETFLOW_TOPIC_EVENTS",
        topicNames.events());
  }

  /** Registers Node objects, as kubelets would; closing deletes them. */
  static AutoCloseable registerNodes(KubernetesCluster cluster, String... names) {
    return registerNodes(cluster.client(), names);
  }

  static AutoCloseable registerNodes(KubernetesClient client, String... names) {
    List<Node> nodes =
        List.of(names).stream()
            .map(
                name ->
                    client
                        .nodes()
                        .resource(
                            new NodeBuilder()
                                .withNewMetadata()
                                .withName(name)
                                .endMetadata()
                                .build())
                        .create())
            .toList();
    return () -> nodes.forEach(node -> client.resource(node).delete());
  }

  /** The Traces kubectl gadget created and has not deleted, in the Traces' namespace. */
  static List<Trace> tracesOfThePlugin(KubernetesCluster cluster) {
    return tracesOfThePlugin(cluster.client());
  }

  static List<Trace> tracesOfThePlugin(KubernetesClient client) {
    return client
        .resources(Trace.class)
        .inNamespace(Trace.DEFAULT_NAMESPACE)
        .withLabel(TraceGroup.MANAGED_BY_LABEL, TraceGroup.MANAGED_BY)
        .list()
        .getItems();
  }

  /** Stops both roles; closing again does nothing. */
  @Override
  public synchronized void close() {
    if (!closed) {
      closed = true;
      await(vertx.close());
    }
  }

  private static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
