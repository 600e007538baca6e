package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.TIMEOUT;
import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceAccountBuilder;
import io.fabric8.kubernetes.api.model.authentication.BoundObjectReference;
import io.fabric8.kubernetes.api.model.authentication.TokenRequestBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeRegistration;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.identity.NodeTrust;
import io.gadgetflow.kafka.identity.NodeKey;
import io.gadgetflow.kafka.identity.NodeKeyFiles;
import io.gadgetflow.kafka.identity.StatusSignature;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Status records are applied only when the node they name signed them, answer an operation the
 * controller handed over, and come for a Trace of that node; anything else is counted and not
 * applied, while the real node's answers still are. A node agent's key is trusted from the key
 * directory, or once the API server vouches for the token it registered it with. Forged records are
 * written here the way any holder of the node role's Kafka credentials could write them.
 */
@WithKafka
@WithKubernetes
class NodeReportTrustIT {
  private static final String AUDIENCE = NodeTrust.DEFAULT_TOKEN_AUDIENCE;
  private static final String NODE_ACCOUNT = "gadgetflow-node";

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Harness platform;
  private KubernetesClient client;
  private String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    client = cluster.client();
    platform = new Harness(cluster, kafka, cluster.createNamespace("report-trust"));
    // Both ways of trusting a key: the directory this machine's agent keeps its key in, and
    // registrations of the node agents' service account in the test's namespace.
    platform.nodeTrust =
        new NodeTrust(
            platform.nodeKeys,
            "system:serviceaccount:" + platform.namespace + ":" + NODE_ACCOUNT,
            AUDIENCE);
    platform.deploy(platform.controller("controller-0", registry));
    platform.deployNode(node);
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  void aReportFromAnotherNodeIsCountedAndNotAppliedWhileTheRealNodesAnswersAre() throws Exception {
    String name = startedTrace();
    String uid = platform.trace(name).get().getMetadata().getUid();

    // Signed by another node, with its own key: it is that node's report, not this Trace's node's.
    NodeKey another = NodeKeyFiles.loadOrCreate(platform.nodeKeys, "another-node");
    send(forgedStop("another-node", uid), another);
    awaitRefused("not-its-node", 1);

    assertUntouched(name);
    assertTheRealNodesAnswerApplies(name);
  }

  @Test
  void aReportForNodeBsTraceWrittenWithNodeAsKeyOrUnsignedIsRefusedWhileBsOwnAnswersApply()
      throws Exception {
    String name = startedTrace();
    String uid = platform.trace(name).get().getMetadata().getUid();
    NodeKey nodeA = NodeKeyFiles.loadOrCreate(platform.nodeKeys, "node-a");
    NodeKey nodeB = NodeKeyFiles.load(platform.nodeKeys, node).orElseThrow();

    // Node A claims to be the Trace's node B, signing with its own key...
    send(forgedStop(node, uid), nodeA);
    // ... or with B's key id and A's MAC ...
    NodeReport forged = forgedStop(node, uid);
    byte[] value = Json.encode(forged);
    send(forged, value, new StatusSignature(nodeB.id(), nodeA.sign(value)));
    // ... or without any signature, as before this check.
    send(forged, value, null);
    awaitRefused("bad-signature", 1);
    awaitRefused("unsigned", 1);
    // A key the controller does not know may still be registered: it waits for that first.
    awaitRefused("unknown-key", 1);

    assertUntouched(name);
    assertTheRealNodesAnswerApplies(name);
  }

  @Test
  void anAnswerToAnOperationNeverHandedOverIsCountedAndNotApplied() throws Exception {
    String name = startedTrace();
    platform.annotate(name, "stop");
    Trace stopped =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);

    // Signed by the right node, but answering nothing the controller handed over.
    send(
        new NodeReport(
            node,
            stopped.getMetadata().getUid(),
            "forged-" + UUID.randomUUID(),
            TraceState.STARTED,
            "{\"forged\":true}",
            null,
            null,
            EventCounters.NONE,
            Instant.now()),
        NodeKeyFiles.load(platform.nodeKeys, node).orElseThrow());
    awaitRefused("operation-not-handed-over", 1);

    Trace after = platform.trace(name).get();
    assertThat(state(after)).isEqualTo(TraceState.STOPPED);
    assertThat(after.getStatus().getOutput()).isNull();
  }

  @Test
  void aNodeAgentIsTrustedOnlyWithATokenOfItsServiceAccountFromAPodOnItsNode(@TempDir Path dir)
      throws Exception {
    String suffix = UUID.randomUUID().toString().substring(0, 8);
    String nodeA = "reg-a-" + suffix;
    String nodeB = "reg-b-" + suffix;
    createNode(nodeA);
    createNode(nodeB);
    createServiceAccount(NODE_ACCOUNT);
    createServiceAccount("intruder");
    Pod agentA = createPod("agent-a", NODE_ACCOUNT, nodeA);
    Pod intruderB = createPod("intruder-b", "intruder", nodeB);

    // The registering agent of node A: its key is trusted, its answers applied.
    Path tokenFile = Files.writeString(dir.resolve("token"), token(NODE_ACCOUNT, agentA, AUDIENCE));
    platform.deployRegisteringNode(nodeA, tokenFile);
    platform.apply(platform.manifest("on-a", nodeA, "execsnoop")).requireSuccess();
    platform.annotate("on-a", "start");
    platform.awaitTrace("on-a", t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    RecordSchemas.assertValid(
        "node-registration.json",
        platform
            .kafka
            .consumeMatching(platform.topics.nodes(), r -> r.key().equals(nodeA), 1, TIMEOUT)
            .getFirst()
            .value());
    Headers answerHeaders =
        platform
            .kafka
            .consumeMatching(
                platform.topics.status(), r -> r.value().contains("\"" + nodeA + "\""), 1, TIMEOUT)
            .getFirst()
            .headers();
    assertThat(answerHeaders.lastHeader(StatusSignature.KEY_ID_HEADER)).isNotNull();
    assertThat(answerHeaders.lastHeader(StatusSignature.MAC_HEADER).value()).hasSize(NodeKey.BYTES);
    platform.annotate("on-a", "stop");
    platform.awaitTrace("on-a", t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);

    // Keys for node B, none of which the controller may trust.
    NodeKey fromA = NodeKey.generate(nodeB);
    register(nodeB, fromA, token(NODE_ACCOUNT, agentA, AUDIENCE));
    awaitRegistrationsRefused("not-its-node", 1);
    NodeKey fromIntruder = NodeKey.generate(nodeB);
    register(nodeB, fromIntruder, token("intruder", intruderB, AUDIENCE));
    awaitRegistrationsRefused("not-node-agent", 1);
    NodeKey otherAudience = NodeKey.generate(nodeB);
    register(nodeB, otherAudience, token(NODE_ACCOUNT, agentA, "vault"));
    awaitRegistrationsRefused("token-invalid", 1);

    send(forgedStop(nodeB, UUID.randomUUID().toString()), fromIntruder);
    awaitRefused("unknown-key", 1);
    assertThat(registrationsRefused("not-its-node")).isEqualTo(1);
  }

  private String startedTrace() {
    String name = "trust-" + UUID.randomUUID().toString().substring(0, 8);
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    return name;
  }

  private static NodeReport forgedStop(String claimedNode, String traceUid) {
    return new NodeReport(
        claimedNode,
        traceUid,
        "forged-" + UUID.randomUUID(),
        TraceState.STOPPED,
        null,
        "forged by another node",
        null,
        new EventCounters(999_999, 0),
        Instant.now());
  }

  private void assertUntouched(String name) {
    Trace after = platform.trace(name).get();
    assertThat(state(after)).isEqualTo(TraceState.STARTED);
    assertThat(after.getStatus().getOperationError()).isNull();
    assertThat(after.getStatus().getEvents()).isLessThan(999_999);
  }

  /** The real node's answer to the next operation is still applied. */
  private void assertTheRealNodesAnswerApplies(String name) {
    platform.annotate(name, "stop");
    Trace stopped =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(stopped.getStatus().getOperationError()).isNull();
  }

  private void send(NodeReport report, NodeKey key) throws Exception {
    byte[] value = Json.encode(report);
    send(report, value, StatusSignature.of(key, value));
  }

  private void send(NodeReport report, byte[] value, StatusSignature signature) throws Exception {
    ProducerRecord<String, byte[]> record =
        new ProducerRecord<>(platform.topics.status(), report.traceUid(), value);
    if (signature != null) {
      record.headers().add(StatusSignature.KEY_ID_HEADER, signature.keyIdHeader());
      record.headers().add(StatusSignature.MAC_HEADER, signature.mac());
    }
    produce(record);
  }

  private void register(String nodeName, NodeKey key, String token) throws Exception {
    produce(
        new ProducerRecord<>(
            platform.topics.nodes(),
            nodeName,
            Json.encode(new NodeRegistration(nodeName, key.encoded(), token, Instant.now()))));
  }

  private void produce(ProducerRecord<String, byte[]> record) throws Exception {
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(
            Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafka.bootstrapServers()),
            new StringSerializer(),
            new ByteArraySerializer())) {
      producer.send(record).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private void createNode(String name) {
    client
        .nodes()
        .resource(new NodeBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  private void createServiceAccount(String name) {
    client
        .serviceAccounts()
        .inNamespace(platform.namespace)
        .resource(
            new ServiceAccountBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
  }

  /** A pod bound to {@code nodeName} (no kubelet runs it: its tokens are all it is needed for). */
  private Pod createPod(String name, String serviceAccount, String nodeName) {
    return client
        .pods()
        .inNamespace(platform.namespace)
        .resource(
            new PodBuilder()
                .withNewMetadata()
                .withName(name)
                .endMetadata()
                .withNewSpec()
                .withServiceAccountName(serviceAccount)
                .withNodeName(nodeName)
                .addNewContainer()
                .withName("agent")
                .withImage("gadgetflow/node:0.1.0")
                .endContainer()
                .endSpec()
                .build())
        .create();
  }

  /** A token of {@code serviceAccount} bound to {@code pod}, as kubelet projects one. */
  private String token(String serviceAccount, Pod pod, String audience) {
    return client
        .serviceAccounts()
        .inNamespace(platform.namespace)
        .withName(serviceAccount)
        .tokenRequest(
            new TokenRequestBuilder()
                .withNewSpec()
                .withAudiences(List.of(audience))
                .withExpirationSeconds(3600L)
                .withBoundObjectRef(
                    new BoundObjectReference(
                        "v1", "Pod", pod.getMetadata().getName(), pod.getMetadata().getUid()))
                .endSpec()
                .build())
        .getStatus()
        .getToken();
  }

  private void awaitRefused(String reason, double count) throws InterruptedException {
    awaitCount("gadgetflow.controller.reports.refused", reason, count);
  }

  private void awaitRegistrationsRefused(String reason, double count) throws InterruptedException {
    awaitCount("gadgetflow.controller.registrations.refused", reason, count);
  }

  private double registrationsRefused(String reason) {
    return count("gadgetflow.controller.registrations.refused", reason);
  }

  private void awaitCount(String meter, String reason, double count) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (count(meter, reason) < count) {
      assertThat(System.nanoTime())
          .as("the controller counted %s (%s)", meter, reason)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(count(meter, reason)).isEqualTo(count);
  }

  private double count(String meter, String reason) {
    Counter counter = registry.find(meter).tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
