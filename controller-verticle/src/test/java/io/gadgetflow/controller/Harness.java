package io.gadgetflow.controller;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.controller.identity.NodeTrust;
import io.gadgetflow.controller.leader.LeaderElection;
import io.gadgetflow.controller.reconcile.TracePolicy;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubectlResult;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.NodeKeyDirectory;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Deployable;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The whole platform for one test: a controller (or two) and a node agent in one Vert.x, on topics
 * and a namespace of the test's own, against the run's real API server and broker.
 */
final class Harness implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(40);
  static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(4);
  static final Duration DELETION_TIMEOUT = Duration.ofSeconds(4);

  /**
   * Several, as installed: the agent reads only its node's partition, so the controller's records
   * reach it only where both place them alike.
   */
  static final int CONTROL_PARTITIONS = 4;

  final KubernetesCluster cluster;
  final KafkaBroker kafka;
  final String namespace;
  final TopicNames topics;
  final Vertx vertx = Vertx.vertx();

  /** What Traces may reach; by default every namespace is node-wide, as the tests' Traces need. */
  TracePolicy policy = TracePolicy.NO_TENANTS;

  /** How long a controller that took the Lease waits for its first list of Traces. */
  Duration cacheSyncTimeout = ControllerConfig.DEFAULT_CACHE_SYNC_TIMEOUT;

  /** Where the node agents keep their status keys; the controller trusts them by default. */
  final Path nodeKeys;

  /** How the controller learns the nodes' keys. */
  NodeTrust nodeTrust;

  Harness(KubernetesCluster cluster, KafkaBroker kafka, String namespace) {
    this.cluster = cluster;
    this.kafka = kafka;
    this.namespace = namespace;
    this.topics =
        new TopicNames(
            kafka.createTopic("control", CONTROL_PARTITIONS),
            kafka.createTopic("status"),
            kafka.createTopic("events"),
            kafka.createTopic("nodes"));
    this.nodeKeys = NodeKeyDirectory.temporary();
    this.nodeTrust = NodeTrust.directory(nodeKeys);
  }

  ControllerVerticle controller(String identity) {
    return controller(identity, kafka.bootstrapServers());
  }

  /** A controller whose meters go to {@code registry}. */
  ControllerVerticle controller(String identity, MeterRegistry registry) {
    return new ControllerVerticle(
        config(identity, kafka.bootstrapServers()), cluster.client(), Clock.systemUTC(), registry);
  }

  /** A controller that reaches the API server through {@code client}. */
  ControllerVerticle controller(String identity, KubernetesClient client) {
    return new ControllerVerticle(
        config(identity, kafka.bootstrapServers()), client, Clock.systemUTC());
  }

  /** A controller that finds Kafka at {@code kafkaBootstrapServers}. */
  ControllerVerticle controller(String identity, String kafkaBootstrapServers) {
    return new ControllerVerticle(
        config(identity, kafkaBootstrapServers), cluster.client(), Clock.systemUTC());
  }

  private ControllerConfig config(String identity, String kafkaBootstrapServers) {
    ControllerConfig config =
        new ControllerConfig(
            kafkaBootstrapServers,
            topics,
            namespace,
            namespace,
            ControllerConfig.DEFAULT_LEASE_NAME,
            identity,
            OPERATION_TIMEOUT,
            DELETION_TIMEOUT,
            Duration.ofSeconds(1),
            ControllerConfig.DEFAULT_STATUS_COUNTER_WRITES_PER_SECOND,
            new LeaderElection.Timing(
                Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)),
            cacheSyncTimeout,
            KafkaSecurity.PLAINTEXT,
            policy,
            nodeTrust);
    return config;
  }

  String deploy(Deployable verticle) {
    return await(vertx.deployVerticle(verticle));
  }

  void undeploy(String deployment) {
    await(vertx.undeploy(deployment));
  }

  String deployNode(String nodeName) {
    return deployNode(nodeName, NodeConfig.DEFAULT_FILE_OUTPUT_DIRECTORY);
  }

  /** A node agent whose {@code outputMode: File} traces write below {@code fileOutputDirectory}. */
  String deployNode(String nodeName, Path fileOutputDirectory) {
    return deploy(
        new NodeVerticle(
            NodeConfig.defaults(nodeName, kafka.bootstrapServers())
                .withTopics(topics)
                .withReportInterval(Duration.ofMillis(200))
                .withFileOutputDirectory(fileOutputDirectory)
                .withKeyDirectory(nodeKeys),
            Clock.systemUTC()));
  }

  /**
   * A node agent with a new status key at each start, registered with the service account token in
   * {@code tokenFile}, as on a cluster.
   */
  String deployRegisteringNode(String nodeName, Path tokenFile) {
    return deploy(
        new NodeVerticle(
            NodeConfig.defaults(nodeName, kafka.bootstrapServers())
                .withTopics(topics)
                .withReportInterval(Duration.ofMillis(200))
                .withServiceAccountTokenFile(tokenFile),
            Clock.systemUTC()));
  }

  /** A stream Trace manifest, the way a user writes one. */
  String manifest(String name, String node, String gadget) {
    return manifest(name, node, gadget, "Manual", "Stream", "");
  }

  /** A Trace manifest; {@code extraSpec} is YAML added to the spec. */
  String manifest(
      String name,
      String node,
      String gadget,
      String runMode,
      String outputMode,
      String extraSpec) {
    return """
        apiVersion: gadget.kinvolk.io/v1alpha1
        kind: Trace
        metadata:
          name: %s
        spec:
          node: %s
          gadget: %s
          runMode: %s
          outputMode: %s
        %s"""
        .formatted(name, node, gadget, runMode, outputMode, extraSpec.indent(2));
  }

  KubectlResult apply(String manifest) {
    return cluster.kubectlWithInput(manifest, "apply", "-n", namespace, "-f", "-");
  }

  void annotate(String name, String operation) {
    cluster
        .kubectl(
            "annotate",
            "-n",
            namespace,
            "trace/" + name,
            Trace.OPERATION_ANNOTATION + "=" + operation)
        .requireSuccess();
  }

  Resource<Trace> trace(String name) {
    return cluster.client().resources(Trace.class).inNamespace(namespace).withName(name);
  }

  Trace awaitTrace(String name, Predicate<Trace> condition) {
    return trace(name)
        .waitUntilCondition(
            t -> t != null && condition.test(t), TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** Waits until the Trace's status shows exactly this {@code operationError}. */
  Trace awaitOperationError(String name, String error) {
    return awaitTrace(
        name, t -> t.getStatus() != null && error.equals(t.getStatus().getOperationError()));
  }

  static boolean hasOperationAnnotation(Trace trace) {
    Map<String, String> annotations = trace.getMetadata().getAnnotations();
    return annotations != null && annotations.containsKey(Trace.OPERATION_ANNOTATION);
  }

  /**
   * The node's answers to the first {@code count} operations of one trace, in order; counter
   * updates that repeat an answer are left out.
   */
  List<NodeReport> answers(String traceUid, int count) {
    Set<String> answered = new HashSet<>();
    List<NodeReport> answers = new ArrayList<>();
    kafka.consumeMatching(
        topics.status(),
        record -> {
          if (!record.key().equals(traceUid)) {
            return false;
          }
          NodeReport report =
              Json.decode(record.value().getBytes(StandardCharsets.UTF_8), NodeReport.class);
          if (!answered.add(report.operationId())) {
            return false;
          }
          answers.add(report);
          return true;
        },
        count,
        TIMEOUT);
    return answers;
  }

  /** The node's answer to one operation. */
  NodeReport answer(String traceUid, String operationId) {
    String record =
        kafka
            .consumeMatching(
                topics.status(),
                r -> r.key().equals(traceUid) && r.value().contains("\"" + operationId + "\""),
                1,
                TIMEOUT)
            .getFirst()
            .value();
    return Json.decode(record.getBytes(StandardCharsets.UTF_8), NodeReport.class);
  }

  static long runTrue(String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of("/bin/true"));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return process.pid();
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    await(vertx.close());
  }
}
