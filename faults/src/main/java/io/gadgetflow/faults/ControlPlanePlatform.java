package io.gadgetflow.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.output.SeccompProfileWriter;
import io.gadgetflow.faults.ControlPlaneFaults.ControlPlaneFault;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.NodeKeyDirectory;
import io.gadgetflow.testing.SeccompProfileCrd;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What one of {@link ControlPlaneFaults} runs on: a broker and an API server of its own, a node
 * agent in this JVM whose gadgets make up numbered events at the pace, the controller replicas it
 * started (their logs kept in target/control-plane-faults), and the ledger of the operations
 * annotated; and how such a fault is measured (the events of its Stream and File Traces, its
 * operations, the Traces' results).
 */
final class ControlPlanePlatform implements AutoCloseable {
  /** The node agent's node, every Trace's. */
  static final String NODE = "faults-control-node";

  private static final Logger LOG = LoggerFactory.getLogger(ControlPlanePlatform.class);
  private static final String PROFILE_PREFIX = "advised-";

  /** The longest wait for an operation's answer or a Trace's state. */
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  /**
   * The controller's wait for a node's answer: the node answers within milliseconds once it runs,
   * but the product's 10 s were exceeded by first starts on this loaded machine, with no fault.
   */
  private static final Duration OPERATION_TIMEOUT = Duration.ofSeconds(30);

  final KafkaCluster kafka;
  final KillableControlPlane kube;
  private final KubernetesCluster cluster;
  private final String namespace;
  private final Path fileDirectory;
  private final Path logs;
  private final Vertx vertx;
  final NumberedEvents events;
  private final FaultPace pace;
  final OperationLedger ledger;
  final List<ControllerProcess> replicas = new ArrayList<>();
  ControllerProcess.Settings settings;

  private ControlPlanePlatform(
      KafkaCluster kafka,
      KillableControlPlane kube,
      String namespace,
      Path scratch,
      Vertx vertx,
      NumberedEvents events,
      FaultPace pace,
      ControllerProcess.Settings settings)
      throws IOException {
    this.kafka = kafka;
    this.kube = kube;
    this.cluster = kube.cluster();
    this.namespace = namespace;
    this.fileDirectory = Files.createDirectories(scratch.resolve("file-output"));
    // Kept after the fault, for a look at what the replicas did: the module's target/ in the ITs,
    // the repository's in the bench; the next run of the fault replaces them.
    this.logs = Files.createDirectories(Path.of("target", "control-plane-faults", namespace));
    LOG.info("The controller replicas log into {}", logs);
    this.vertx = vertx;
    this.events = events;
    this.pace = pace;
    this.settings = settings;
    this.ledger =
        new OperationLedger(
            cluster, namespace, kafka.bootstrapServers(), TopicNames.DEFAULTS, TIMEOUT);
  }

  static ControlPlanePlatform start(FaultPace pace, Path scratch, String namespacePrefix)
      throws Exception {
    KafkaCluster kafka = FaultSteps.startCluster(scratch, 1);
    KillableControlPlane kube = KillableControlPlane.start();
    SeccompProfileCrd.install(kube.cluster());
    String namespace = kube.cluster().createNamespace(namespacePrefix);
    Path nodeKeys = NodeKeyDirectory.temporary();
    Vertx vertx = Vertx.vertx();
    NumberedEvents events = new NumberedEvents(pace.rate(), NODE);
    ControlPlanePlatform platform =
        new ControlPlanePlatform(
            kafka,
            kube,
            namespace,
            scratch,
            vertx,
            events,
            pace,
            ControllerProcess.Settings.of(
                    kube.kubeconfig(),
                    kafka.bootstrapServers(),
                    TopicNames.DEFAULTS,
                    namespace,
                    nodeKeys)
                .withOperationTimeout(OPERATION_TIMEOUT));
    FaultSteps.deployAgent(
        vertx,
        NodeConfig.defaults(NODE, kafka.bootstrapServers())
            .withKeyDirectory(nodeKeys)
            .withFileOutputDirectory(platform.fileDirectory),
        events);
    return platform;
  }

  /**
   * The replica holding the Lease, once every other one saw that it does (a standby that had not
   * would take the Lease over sooner than the fault measures).
   */
  ControllerProcess holder() {
    String holder = lease().get().getSpec().getHolderIdentity();
    for (ControllerProcess replica : replicas) {
      if (!replica.identity().equals(holder)) {
        ledger.await(
            replica.identity() + " saw who holds the Lease",
            () -> replica.logCount("is held by " + holder) > 0);
      }
    }
    return replicas.stream()
        .filter(replica -> replica.identity().equals(holder))
        .findFirst()
        .orElseThrow();
  }

  ControllerProcess controller(String identity) throws IOException {
    ControllerProcess replica = ControllerProcess.start(identity, settings, logs);
    replicas.add(replica);
    return replica;
  }

  /**
   * Creates the Stream and File Traces the events are measured on and starts them with {@code
   * others}; returns once the node runs them all.
   */
  void startStreamAndFile(String... others) {
    ledger.create("stream", NODE, "execsnoop", "Stream", null);
    ledger.create("file", NODE, "execsnoop", "File", file().toString());
    List<String> names = new ArrayList<>(List.of("stream", "file"));
    names.addAll(List.of(others));
    names.forEach(name -> ledger.annotate(name, "start"));
    ledger.awaitState(TraceState.STARTED, names.toArray(String[]::new));
  }

  /** The reader of the Stream Trace's events, once its first event arrived. */
  DeliveredEvents delivered() {
    DeliveredEvents delivered =
        new DeliveredEvents(kafka.bootstrapServers(), TopicNames.DEFAULTS.events(), uid("stream"));
    ledger.await("the Stream Trace's first event", () -> delivered.delivered() > 0);
    return delivered;
  }

  /**
   * Stops the events once {@code pace.after()} passed, counts them on the Stream and File Traces,
   * stops those and {@code running}, and counts the operations.
   */
  ControlPlaneFault measure(
      String fault, DeliveredEvents delivered, String recovery, String... running)
      throws Exception {
    FaultSteps.sleep(pace.after());
    events.stop();
    String bootstrap = kafka.bootstrapServers();
    TopicNames topics = TopicNames.DEFAULTS;
    long produced = events.emitted() - delivered.first();
    EventCounters counters =
        FaultSteps.awaitSettled(
            bootstrap, topics.status(), uid("stream"), produced, delivered::delivered);
    FaultFigures stream =
        new FaultFigures(
            fault,
            1,
            produced,
            delivered.delivered(),
            counters.lost(),
            delivered.duplicates(),
            recovery);
    FileLines written = FileLines.of(file());
    long producedToFile = events.emitted() - written.first();
    EventCounters fileCounters =
        FaultSteps.awaitSettled(
            bootstrap, topics.status(), uid("file"), producedToFile, () -> Long.MAX_VALUE);
    FaultFigures toFile =
        new FaultFigures(
            fault + ", File output",
            1,
            producedToFile,
            written.distinct(),
            fileCounters.lost(),
            written.duplicates(),
            "n/a (no outage)");
    List<String> stopped = new ArrayList<>(List.of("stream", "file"));
    stopped.addAll(List.of(running));
    stopped.forEach(name -> ledger.annotate(name, "stop"));
    // A profile's stop completes it with its report.
    ledger.awaitState(
        TraceState.STOPPED,
        stopped.stream().filter(name -> !ControlPlaneFaults.isStatus(name)).toArray(String[]::new));
    ledger.awaitState(
        TraceState.COMPLETED,
        stopped.stream().filter(ControlPlaneFaults::isStatus).toArray(String[]::new));
    OperationFigures operations = ledger.figures();
    List<String> problems = new ArrayList<>();
    Map<String, List<OperationLedger.Handed>> handedOver = ledger.handedOver();
    ledger
        .annotated()
        .forEach(
            (name, annotated) -> {
              List<String> handed =
                  handedOver.getOrDefault(name, List.of()).stream()
                      .map(OperationLedger.Handed::operation)
                      .toList();
              if (!handed.equals(annotated)) {
                problems.add(name + ": annotated " + annotated + ", handed over " + handed);
              }
            });
    ledger.errorsSeen().forEach(error -> problems.add("a Trace showed an error: " + error));
    for (ControllerProcess replica : replicas) {
      if (replica.logCount("action=node-silent") > 0) {
        problems.add(replica.identity() + " timed an operation out (action=node-silent)");
      }
    }
    return new ControlPlaneFault(
        stream.withOperations(operations), toFile.withOperations(operations), operations, problems);
  }

  /**
   * {@code measured} with {@code problems} and those of the Traces' results: an operation answered
   * whose result (a Status Trace's report, an ExternalResource Trace's profile) is not what the
   * gadget made, or not there, counts as lost.
   */
  ControlPlaneFault withResults(
      ControlPlaneFault measured,
      List<String> problems,
      List<String> statusTraces,
      List<String> externalTraces)
      throws IOException {
    List<String> results = resultProblems(statusTraces, externalTraces);
    List<String> all = new ArrayList<>(problems);
    all.addAll(results);
    OperationFigures operations = measured.operations().withResultsLost(results.size());
    return new ControlPlaneFault(
        measured.stream().withOperations(operations),
        measured.file().withOperations(operations),
        operations,
        all);
  }

  /**
   * What is wrong with the Status Traces' reports and the ExternalResource Traces' profiles: each
   * is what the made-up gadget makes.
   */
  List<String> resultProblems(List<String> statusTraces, List<String> externalTraces)
      throws IOException {
    List<String> problems = new ArrayList<>();
    for (String name : statusTraces) {
      String output = ledger.trace(name).get().getStatus().getOutput();
      JsonNode report = output == null ? null : Json.mapper().readTree(output);
      if (report == null
          || !report.path("valType").asText().equals("usecs")
          || report.path("data").path(0).path("count").asLong() <= 0
          || report.path("data").path(0).path("count").asLong() > events.emitted()) {
        problems.add(name + ": not the report its gadget made: " + output);
      }
    }
    for (String name : externalTraces) {
      GenericKubernetesResource profile = profile(name);
      JsonNode spec =
          profile == null
              ? null
              : Json.mapper().valueToTree(profile.getAdditionalProperties().get("spec"));
      if (!Objects.equals(spec, Json.mapper().readTree(NumberedEvents.SECCOMP_PROFILE))) {
        problems.add(name + ": the SeccompProfile is not the profile its gadget made: " + spec);
      }
    }
    return problems;
  }

  /** Where the ExternalResource Trace {@code trace} writes its SeccompProfile. */
  String profilePath(String trace) {
    return namespace + "/" + PROFILE_PREFIX + trace;
  }

  GenericKubernetesResource profile(String trace) {
    return cluster
        .client()
        .genericKubernetesResources(SeccompProfileWriter.SECCOMP_PROFILES)
        .inNamespace(namespace)
        .withName(PROFILE_PREFIX + trace)
        .get();
  }

  Resource<Lease> lease() {
    return cluster
        .client()
        .leases()
        .inNamespace(namespace)
        .withName(ControllerConfig.DEFAULT_LEASE_NAME);
  }

  /** The Trace's state once it answered its last operation, null before. */
  TraceState stateOf(String name) {
    return ledger.taken(name) ? OperationLedger.state(ledger.trace(name).get()) : null;
  }

  private Path file() {
    return fileDirectory.resolve("events.jsonl");
  }

  private String uid(String name) {
    return ledger.trace(name).get().getMetadata().getUid();
  }

  @Override
  public void close() throws Exception {
    for (ControllerProcess replica : replicas) {
      replica.close();
    }
    events.close();
    vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    kube.close();
    kafka.close();
  }
}
