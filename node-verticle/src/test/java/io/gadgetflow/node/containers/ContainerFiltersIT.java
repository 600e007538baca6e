package io.gadgetflow.node.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.TraceFilter;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.gadgetflow.node.containers.KubeletSandbox.Layout;
import io.gadgetflow.node.containers.KubeletSandbox.PodContainer;
import io.gadgetflow.testing.DnsServer;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.RecordSchemas;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The node agent's container awareness end to end: real pods in a real API server, real cgroups of
 * kubelet's shapes with processes in mount namespaces of their own, the real kernel filtering, and
 * the events in a real broker. The agent reads pods as the node agent's service account, with the
 * install manifests' RBAC.
 */
@WithKafka
@WithKubernetes
class ContainerFiltersIT {
  static final Duration TIMEOUT = Duration.ofSeconds(30);
  static final Duration GRACE_PERIOD = Duration.ofSeconds(1);
  static final String NODE_AGENT = "system:serviceaccount:gadget:gadgetflow-node";

  KubernetesCluster cluster;
  KafkaBroker kafka;
  TopicNames topics;
  Vertx vertx;
  KafkaProducer<String, String> producer;
  KubernetesClient podReader;
  KubeletSandbox kubelet;
  String node;
  String namespace;
  String probe;

  @BeforeAll
  static void installRbac(KubernetesCluster cluster) throws IOException {
    String rbac = Files.readString(Path.of("../k8s/install/03-rbac.yaml"));
    assertThat(cluster.kubectlWithInput(rbac, "apply", "-f", "-").exitCode()).isZero();
  }

  @BeforeEach
  void startAgent(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    this.cluster = cluster;
    this.kafka = kafka;
    node = "containers-it-" + UUID.randomUUID().toString().substring(0, 8);
    namespace = cluster.createNamespace("containers");
    topics =
        new TopicNames(
            kafka.createTopic("control"), kafka.createTopic("status"), kafka.createTopic("events"));
    vertx = Vertx.vertx();
    producer = kafka.producer();
    podReader = asNodeAgent(cluster);
    kubelet = new KubeletSandbox(cluster.client(), node);
    NodeConfig config =
        NodeConfig.defaults(node, kafka.bootstrapServers())
            .withTopics(topics)
            .withReportInterval(Duration.ofMillis(200))
            .withContainerAwareness(null)
            .withContainerGracePeriod(GRACE_PERIOD);
    await(vertx.deployVerticle(new NodeVerticle(config, podReader, Clock.systemUTC())));
    probe = startTrace(new TraceFilter(null, null, null, null));
  }

  @AfterEach
  void stopAgent() throws Exception {
    producer.close();
    await(vertx.close());
    podReader.close();
    kubelet.close();
  }

  @Test
  void tracesFilteredOnOnePodEachSeeThatPodsExecsAndNoneOfAnotherPodsOrTheHosts() throws Exception {
    PodContainer a =
        startKnownPod(
            namespace, "pod-a", Map.of("app", "a"), "main", Layout.V1_CGROUPFS_CONTAINERD);
    PodContainer b =
        startKnownPod(namespace, "pod-b", Map.of("app", "b"), "main", Layout.V2_SYSTEMD_CRIO);
    String onA = startTrace(new TraceFilter(namespace, "pod-a", null, null));
    String onB = startTrace(new TraceFilter(namespace, "pod-b", null, null));

    String marker = "gadgetflow-" + UUID.randomUUID();
    a.run("/bin/true " + marker + "-a");
    b.run("/bin/true " + marker + "-b");
    runOnHost("/bin/true", marker + "-host");
    a.run("/bin/true " + marker + "-closing");
    b.run("/bin/true " + marker + "-closing");

    List<JsonNode> seen = eventsUntil(onA, marker + "-closing", marker);
    assertThat(seen)
        .extracting(ContainerFiltersIT::firstArgument)
        .containsExactly(marker + "-a", marker + "-closing");
    JsonNode event = seen.getFirst();
    assertThat(event.get("node").asText()).isEqualTo(node);
    assertThat(event.get("namespace").asText()).isEqualTo(namespace);
    assertThat(event.get("pod").asText()).isEqualTo("pod-a");
    assertThat(event.get("container").asText()).isEqualTo("main");
    assertThat(event.get("mountnsid").asLong()).isEqualTo(a.mountNamespaceId());
    assertThat(event.get("ppid").asLong()).isEqualTo(a.pid());
    // The two traces share one program, whose kernel filter lets both pods' execs through.
    assertThat(eventsUntil(onB, marker + "-closing", marker))
        .extracting(ContainerFiltersIT::firstArgument)
        .containsExactly(marker + "-b", marker + "-closing");

    // The others did exec, and the unfiltered trace says whose they were.
    JsonNode fromB = probeEvent(marker + "-b");
    assertThat(fromB.get("pod").asText()).isEqualTo("pod-b");
    assertThat(fromB.get("mountnsid").asLong()).isEqualTo(b.mountNamespaceId());
    JsonNode fromHost = probeEvent(marker + "-host");
    assertThat(fromHost.get("namespace").asText()).isEmpty();
    assertThat(fromHost.get("pod").asText()).isEmpty();
    assertThat(fromHost.get("container").asText()).isEmpty();
    assertThat(fromHost.get("node").asText()).isEqualTo(node);
  }

  @Test
  void aFilterSelectsByLabelsAndByAListOfNamespaces() throws Exception {
    String other = cluster.createNamespace("containers-other");
    PodContainer a =
        startKnownPod(
            namespace, "pod-a", Map.of("app", "a"), "main", Layout.V1_CGROUPFS_CONTAINERD);
    PodContainer b =
        startKnownPod(
            other, "pod-b", Map.of("app", "b", "tier", "db"), "db", Layout.V1_SYSTEMD_DOCKER);
    String byLabel = startTrace(new TraceFilter(null, null, null, Map.of("tier", "db")));
    String byNamespaces = startTrace(new TraceFilter("nowhere, " + other, null, null, null));

    String marker = "gadgetflow-" + UUID.randomUUID();
    a.run("/bin/true " + marker + "-a");
    b.run("/bin/true " + marker + "-b");
    b.run("/bin/true " + marker + "-closing");

    for (String trace : List.of(byLabel, byNamespaces)) {
      List<JsonNode> seen = eventsUntil(trace, marker + "-closing", marker);
      assertThat(seen)
          .extracting(ContainerFiltersIT::firstArgument)
          .containsExactly(marker + "-b", marker + "-closing");
      assertThat(seen.getFirst().get("namespace").asText()).isEqualTo(other);
      assertThat(seen.getFirst().get("container").asText()).isEqualTo("db");
    }
  }

  @Test
  void aContainerStartedAfterTheTraceIsPickedUpAndOneThatStopsIsDropped() throws Exception {
    PodContainer a =
        startKnownPod(
            namespace, "pod-a", Map.of("app", "a"), "main", Layout.V1_CGROUPFS_CONTAINERD);
    String inNamespace = startTrace(new TraceFilter(namespace, null, null, null));

    PodContainer late =
        startKnownPod(namespace, "pod-late", Map.of("app", "late"), "late", Layout.V2_SYSTEMD_CRIO);
    String marker = "gadgetflow-" + UUID.randomUUID();
    late.run("/bin/true " + marker + "-late");
    JsonNode fromLate = eventsUntil(inNamespace, marker + "-late", marker).getLast();
    assertThat(fromLate.get("pod").asText()).isEqualTo("pod-late");
    assertThat(fromLate.get("container").asText()).isEqualTo("late");

    late.markTerminated();
    awaitForgotten(late);
    late.run("/bin/true " + marker + "-after-stop");
    a.run("/bin/true " + marker + "-closing");

    assertThat(eventsUntil(inNamespace, marker + "-closing", marker))
        .extracting(ContainerFiltersIT::firstArgument)
        .containsExactly(marker + "-late", marker + "-closing");
  }

  @Test
  void anAgentWithoutKubernetesRefusesFiltersAndStillRunsUnfilteredTraces() throws Exception {
    String blind = "no-kubernetes-" + UUID.randomUUID().toString().substring(0, 8);
    await(
        vertx.deployVerticle(
            new NodeVerticle(
                NodeConfig.defaults(blind, kafka.bootstrapServers())
                    .withTopics(topics)
                    .withReportInterval(Duration.ofMillis(200)),
                Clock.systemUTC())));

    NodeReport refused =
        answerTo(publishStart(blind, new TraceFilter(namespace, null, null, null)));

    assertThat(refused.operationError())
        .isEqualTo(
            "Container filters need access to the pods of node \"%s\", which its agent runs without"
                .formatted(blind));
    assertThat(refused.state()).isNull();
    String unfiltered = startTrace(blind, new TraceFilter(null, null, null, null));
    String marker = "gadgetflow-" + UUID.randomUUID();
    runOnHost("/bin/true", marker);
    assertThat(eventsUntil(unfiltered, marker, marker))
        .singleElement()
        .matches(event -> event.get("pod").asText().isEmpty())
        .matches(event -> event.get("node").asText().equals(blind));
  }

  @Test
  void anAgentThatCannotReachTheApiServerStartsFilteredTracesWithAWarning() throws Exception {
    String cutOff = "cut-off-" + UUID.randomUUID().toString().substring(0, 8);
    try (KubernetesClient unreachable =
        new KubernetesClientBuilder()
            .withConfig(new ConfigBuilder().withMasterUrl("https://127.0.0.1:1").build())
            .build()) {
      await(
          vertx.deployVerticle(
              new NodeVerticle(
                  NodeConfig.defaults(cutOff, kafka.bootstrapServers())
                      .withTopics(topics)
                      .withReportInterval(Duration.ofMillis(200))
                      .withContainerAwareness(null)
                      .withContainerGracePeriod(GRACE_PERIOD),
                  unreachable,
                  Clock.systemUTC())));

      NodeReport answer =
          answerTo(publishStart(cutOff, new TraceFilter(namespace, null, null, null)));

      assertThat(answer.state()).isEqualTo(TraceState.STARTED);
      assertThat(answer.operationWarning())
          .isEqualTo(
              "The pods of node \"%s\" are not known yet: containers join the filter as they"
                      .formatted(cutOff)
                  + " become known");
      String unfiltered = startTrace(cutOff, new TraceFilter(null, null, null, null));
      String marker = "gadgetflow-" + UUID.randomUUID();
      runOnHost("/bin/true", marker);
      assertThat(eventsUntil(unfiltered, marker, marker)).hasSize(1);
    }
  }

  @Test
  void dnsTracesWatchTheNetworksOfTheirPodsAndNameThem() throws Exception {
    PodContainer a =
        startKnownPod(
            namespace, "pod-a", Map.of("app", "a"), "main", Layout.V1_CGROUPFS_CONTAINERD, true);
    PodContainer b =
        startKnownPod(namespace, "pod-b", Map.of("app", "b"), "main", Layout.V2_SYSTEMD_CRIO, true);
    for (PodContainer pod : List.of(a, b)) {
      pod.run("(" + DnsServer.shellCommand("127.0.0.1") + " >/dev/null 2>&1 &)");
    }
    String onA = startTrace(node, "dns", new TraceFilter(namespace, "pod-a", null, null));
    String everywhere = startTrace(node, "dns", new TraceFilter(null, null, null, null));

    String marker = "gadgetflow-" + UUID.randomUUID();
    JsonNode fromA = awaitLookup(onA, a, marker + "-a");
    JsonNode fromB = awaitLookup(everywhere, b, marker + "-b");
    lookUp(a, marker + "-closing");

    List<JsonNode> seenOnA = dnsEventsUntil(onA, marker + "-closing", marker);
    assertThat(seenOnA).noneMatch(event -> event.get("name").asText().contains(marker + "-b"));
    assertThat(seenOnA).allMatch(event -> event.get("pod").asText().equals("pod-a"));
    // dig ran in the container, which sent the query and received the response.
    assertThat(fromA.get("container").asText()).isEqualTo("main");
    assertThat(fromA.get("namespace").asText()).isEqualTo(namespace);
    assertThat(fromA.get("netnsid").asLong()).isEqualTo(a.netNamespaceId());
    assertThat(fromA.get("mountnsid").asLong()).isEqualTo(a.mountNamespaceId());
    assertThat(fromA.get("rcode").asText()).isEqualTo("Non-Existent Domain");
    assertThat(fromB.get("pod").asText()).isEqualTo("pod-b");
    assertThat(fromB.get("netnsid").asLong()).isEqualTo(b.netNamespaceId());
  }

  /** Asks the pod's DNS server for {@code label}.test until the trace reports its response. */
  private JsonNode awaitLookup(String traceUid, PodContainer pod, String label) throws Exception {
    for (int attempt = 0; ; attempt++) {
      String name = label + "-" + attempt;
      lookUp(pod, name);
      try {
        ConsumerRecord<String, String> record =
            kafka
                .consumeMatching(
                    topics.events(),
                    r ->
                        r.key().equals(traceUid)
                            && r.value().contains("\"" + name + ".test.\"")
                            && r.value().contains("\"pktType\":\"HOST\"")
                            && r.value().contains("\"qr\":\"R\""),
                    1,
                    Duration.ofSeconds(2))
                .getFirst();
        RecordSchemas.assertValid("event-dns.json", record.value());
        return Json.mapper().readTree(record.value());
      } catch (AssertionError notYet) {
        // The server was not up yet, or the agent not watching the pod's network yet.
        assertThat(attempt).as("lookups of " + label + " until seen").isLessThan(30);
      }
    }
  }

  private static void lookUp(PodContainer pod, String label) throws IOException {
    pod.run("dig +short +tries=1 +time=1 @127.0.0.1 " + label + ".test A >/dev/null");
  }

  private List<JsonNode> dnsEventsUntil(String traceUid, String last, String marker)
      throws IOException {
    List<JsonNode> events = new ArrayList<>();
    for (ConsumerRecord<String, String> record :
        kafka.consumeUntil(
            topics.events(), r -> r.key().equals(traceUid) && r.value().contains(last), TIMEOUT)) {
      if (record.key().equals(traceUid) && record.value().contains(marker)) {
        events.add(Json.mapper().readTree(record.value()));
      }
    }
    return events;
  }

  /** A pod with one running container, once the agent's registry knows where it runs. */
  private PodContainer startKnownPod(
      String namespace, String pod, Map<String, String> labels, String container, Layout layout)
      throws Exception {
    return startKnownPod(namespace, pod, labels, container, layout, false);
  }

  private PodContainer startKnownPod(
      String namespace,
      String pod,
      Map<String, String> labels,
      String container,
      Layout layout,
      boolean ownNetwork)
      throws Exception {
    PodContainer started = kubelet.startPod(namespace, pod, labels, container, layout, ownNetwork);
    awaitKnown(started);
    return started;
  }

  private void awaitKnown(PodContainer container) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String marker = "gadgetflow-known-" + UUID.randomUUID();
      container.run("/bin/true " + marker);
      if (probeEvent(marker).get("pod").asText().equals(container.pod)) {
        return;
      }
      assertThat(attempt).as("attempts to see " + container.pod + " known").isLessThan(100);
    }
  }

  /** Waits until the agent no longer knows the container: stopped, and its grace period over. */
  private void awaitForgotten(PodContainer container) throws IOException {
    for (int attempt = 0; ; attempt++) {
      String marker = "gadgetflow-forgotten-" + UUID.randomUUID();
      container.run("/bin/true " + marker);
      if (probeEvent(marker).get("pod").asText().isEmpty()) {
        return;
      }
      assertThat(attempt).as("attempts to see " + container.pod + " forgotten").isLessThan(200);
    }
  }

  private JsonNode probeEvent(String marker) throws IOException {
    ConsumerRecord<String, String> record =
        kafka
            .consumeMatching(
                topics.events(),
                r -> r.key().equals(probe) && r.value().contains(marker),
                1,
                TIMEOUT)
            .getFirst();
    RecordSchemas.assertValid("event-execsnoop.json", record.value());
    return Json.mapper().readTree(record.value());
  }

  /** The trace's events whose arguments mention {@code marker}, up to the one of {@code last}. */
  private List<JsonNode> eventsUntil(String traceUid, String last, String marker)
      throws IOException {
    List<ConsumerRecord<String, String>> read =
        kafka.consumeUntil(
            topics.events(), r -> r.key().equals(traceUid) && r.value().contains(last), TIMEOUT);
    List<JsonNode> events = new ArrayList<>();
    for (ConsumerRecord<String, String> record : read) {
      if (record.key().equals(traceUid) && record.value().contains(marker)) {
        RecordSchemas.assertValid("event-execsnoop.json", record.value());
        events.add(Json.mapper().readTree(record.value()));
      }
    }
    return events;
  }

  private String startTrace(TraceFilter filter) throws Exception {
    return startTrace(node, filter);
  }

  private String startTrace(String node, TraceFilter filter) throws Exception {
    return startTrace(node, "execsnoop", filter);
  }

  private String startTrace(String node, String gadget, TraceFilter filter) throws Exception {
    NodeReport answer = answerTo(publishStart(node, gadget, filter));
    assertThat(answer.operationError()).isNull();
    assertThat(answer.state()).isEqualTo(TraceState.STARTED);
    return answer.traceUid();
  }

  /** Asks the node to start an exec trace; returns its uid. */
  private String publishStart(String node, TraceFilter filter) throws Exception {
    return publishStart(node, "execsnoop", filter);
  }

  /** Asks the node to start a trace of {@code gadget}; returns its uid. */
  private String publishStart(String node, String gadget, TraceFilter filter) throws Exception {
    String uid = UUID.randomUUID().toString();
    ControlRecord start =
        ControlRecord.streamStart(
            "trace-" + uid, uid, node, gadget, filter, "op-start", Instant.now());
    producer
        .send(
            new ProducerRecord<>(
                topics.control(), uid, new String(Json.encode(start), StandardCharsets.UTF_8)))
        .get(30, TimeUnit.SECONDS);
    return uid;
  }

  private NodeReport answerTo(String uid) {
    return Json.decode(
        kafka
            .consumeMatching(topics.status(), r -> r.key().equals(uid), 1, TIMEOUT)
            .getFirst()
            .value()
            .getBytes(StandardCharsets.UTF_8),
        NodeReport.class);
  }

  private static void runOnHost(String... command) throws Exception {
    Process process = new ProcessBuilder(command).start();
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
  }

  private static String firstArgument(JsonNode event) {
    return event.get("args").get(1).asText();
  }

  /** A client acting as the node agent's service account, which may read pods and no more. */
  private static KubernetesClient asNodeAgent(KubernetesCluster cluster) throws IOException {
    Config admin = Config.fromKubeconfig(Files.readString(cluster.kubeconfig()));
    Config nodeAgent =
        new ConfigBuilder(admin)
            .withImpersonateUsername(NODE_AGENT)
            .withImpersonateGroups("system:serviceaccounts", "system:serviceaccounts:gadget")
            .build();
    return new KubernetesClientBuilder().withConfig(nodeAgent).build();
  }

  private static <T> T await(Future<T> future) throws Exception {
    return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
  }
}
