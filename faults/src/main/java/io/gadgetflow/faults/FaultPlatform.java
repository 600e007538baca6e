package io.gadgetflow.faults;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.dsl.Resource;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.output.SeccompProfileWriter;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every fault runs on: a Kafka cluster of one or three brokers (processes of their own), an
 * API server of its own, a node agent whose gadgets make up numbered events at the pace (in this
 * JVM, or a program of its own that a fault can kill), the controller replicas it started (their
 * logs kept in target/control-plane-faults), and the ledger of the operations annotated; and how
 * such a fault is measured (the events of its Stream and File Traces, its operations, the Status
 * and ExternalResource Traces' results).
 */
final class FaultPlatform implements AutoCloseable {
  /** The node agent's node, every Trace's. */
  static final String NODE = "faults-control-node";

  private static final Logger LOG = LoggerFactory.getLogger(FaultPlatform.class);
  private static final String PROFILE_PREFIX = "advised-";

  /** The longest wait for an operation's answer or a Trace's state. */
  private static final Duration TIMEOUT = Duration.ofMinutes(3);

  /**
   * The first number of a restarted agent's events, apart from those of the killed one: more than
   * it emits in any run of the suite.
   */
  static final long RESTARTED_FIRST = 10_000_000;

  /**
   * What a fault's platform is made of.
   *
   * @param brokers the Kafka cluster's size: 1, or 3 (replication 3, {@code min.insync.replicas} 2)
   * @param fileDiskBytes when positive, the File output's directory is a tmpfs of this size (needs
   *     root), which fills
   * @param agentProcess the node agent a program of its own ({@link AgentProcess}), which a fault
   *     kills and starts again, rather than a verticle in this JVM
   */
  record Shape(int brokers, long fileDiskBytes, boolean agentProcess) {
    static final Shape ONE_BROKER = new Shape(1, 0, false);
    static final Shape THREE_BROKERS = new Shape(3, 0, false);
    static final Shape AGENT_PROCESS = new Shape(1, 0, true);

    static Shape fullDisk(long bytes) {
      return new Shape(1, bytes, false);
    }
  }

  final KafkaCluster kafka;
  final KillableControlPlane kube;
  private final KubernetesCluster cluster;
  private final String namespace;
  private final Path fileDirectory;
  private final boolean fileDiskMounted;
  private final Path logs;
  private final Path nodeKeys;
  private final Vertx vertx;

  /** The events of the agent in this JVM; null when the agent is a program of its own. */
  final NumberedEvents events;

  private AgentProcess agentProcess;

  /** The number of the measured agent's first event: a restarted agent's are apart. */
  private long firstSequence;

  /** Events the measured agent emitted, once {@link #measure} stopped them. */
  private long emitted;

  /** When the node agent was started again, null while it was not. */
  private Instant agentRestartedAt;

  private final FaultPace pace;
  final OperationLedger ledger;
  final List<ControllerProcess> replicas = new ArrayList<>();
  ControllerProcess.Settings settings;

  private FaultPlatform(
      KafkaCluster kafka,
      KillableControlPlane kube,
      String namespace,
      Path fileDirectory,
      boolean fileDiskMounted,
      Path nodeKeys,
      Vertx vertx,
      NumberedEvents events,
      FaultPace pace,
      ControllerProcess.Settings settings)
      throws IOException {
    this.kafka = kafka;
    this.kube = kube;
    this.cluster = kube.cluster();
    this.namespace = namespace;
    this.fileDirectory = fileDirectory;
    this.fileDiskMounted = fileDiskMounted;
    this.nodeKeys = nodeKeys;
    // Kept after the fault, for a look at what the replicas and agents did: the module's target/ in
    // the ITs, the repository's in the bench; the next run of the fault replaces the replicas' logs
    // and appends to the agents'.
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

  static FaultPlatform start(FaultPace pace, Path scratch, String namespacePrefix, Shape shape)
      throws Exception {
    Path fileDirectory = Files.createDirectories(scratch.resolve("file-output"));
    if (shape.fileDiskBytes() > 0) {
      mountTmpfs(fileDirectory, shape.fileDiskBytes());
    }
    KafkaCluster kafka = FaultSteps.startCluster(scratch, shape.brokers(), pace.brokerSettings());
    KillableControlPlane kube = KillableControlPlane.start();
    SeccompProfileCrd.install(kube.cluster());
    String namespace = kube.cluster().createNamespace(namespacePrefix);
    Path nodeKeys = NodeKeyDirectory.temporary();
    Vertx vertx = Vertx.vertx();
    NumberedEvents events = shape.agentProcess() ? null : new NumberedEvents(pace.rate(), NODE);
    FaultPlatform platform =
        new FaultPlatform(
            kafka,
            kube,
            namespace,
            fileDirectory,
            shape.fileDiskBytes() > 0,
            nodeKeys,
            vertx,
            events,
            pace,
            ControllerProcess.Settings.of(
                    kube.kubeconfig(),
                    kafka.bootstrapServers(),
                    TopicNames.DEFAULTS,
                    namespace,
                    nodeKeys)
                .withOperationTimeout(pace.operationTimeout()));
    if (shape.agentProcess()) {
      platform.startAgent(0);
    } else {
      FaultSteps.deployAgent(
          vertx,
          NodeConfig.defaults(NODE, kafka.bootstrapServers())
              .withKeyDirectory(nodeKeys)
              .withFileOutputDirectory(fileDirectory),
          events);
    }
    return platform;
  }

  /**
   * Starts the node agent as a program of its own, its events numbered from {@code firstSequence}
   * (a restarted agent's apart from the killed one's); the events measured are its from then on.
   */
  void startAgent(long firstSequence) throws Exception {
    Instant started = Instant.now();
    agentProcess =
        AgentProcess.start(
            kafka.bootstrapServers(),
            NODE,
            pace.rate(),
            firstSequence,
            Map.of(
                "GADGETFLOW_NODE_KEY_DIRECTORY", nodeKeys.toString(),
                "GADGETFLOW_FILE_OUTPUT_DIRECTORY", fileDirectory.toString()),
            logs.resolve("agent-from-" + firstSequence + ".log"),
            FaultSteps.START_TIMEOUT);
    if (firstSequence > 0) {
      agentRestartedAt = started;
    }
    this.firstSequence = firstSequence;
  }

  /** SIGKILL to the node agent, a program of its own: what it held in memory dies with it. */
  void killAgent() throws InterruptedException {
    agentProcess.kill();
  }

  /** Stops the measured agent's events; returns how many it emitted. */
  private long stopEvents() throws Exception {
    if (events != null) {
      events.stop();
      return events.emitted();
    }
    return agentProcess.stopEvents(FaultSteps.START_TIMEOUT);
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
   * Stops the events once {@code pace.after()} passed, counts them on the Stream and File Traces
   * (those of the agent measured: a restarted agent's from its first event on), stops those and
   * {@code running}, and counts the operations.
   *
   * @param fileRecovery the File Trace's recovery, as the table shows it
   */
  PlatformFault measure(
      String fault,
      DeliveredEvents delivered,
      String recovery,
      String fileRecovery,
      String... running)
      throws Exception {
    FaultSteps.sleep(pace.after());
    emitted = stopEvents();
    String bootstrap = kafka.bootstrapServers();
    TopicNames topics = TopicNames.DEFAULTS;
    // Events before the first that arrived were made before the Trace joined the gadget.
    long from = firstSequence;
    long produced = emitted - (delivered.firstFrom(from) - from);
    EventCounters counters =
        FaultSteps.awaitSettled(
            bootstrap,
            topics.status(),
            uid("stream"),
            produced,
            () -> delivered.deliveredFrom(from));
    // A warning tells of the losses counted since the last, at most every 100 ms; what Kafka
    // refused, once it takes records again.
    FaultSteps.awaitCondition(
        () -> delivered.toldLost() >= counters.lost(), FaultSteps.WARNINGS_TIMEOUT, null);
    String row = fault + pace.rowSuffix();
    FaultFigures stream =
        new FaultFigures(
            row,
            kafka.size(),
            produced,
            delivered.deliveredFrom(from),
            counters.lost(),
            delivered.toldLost(),
            delivered.duplicates(),
            recovery);
    long firstInFile = FileLines.of(file()).firstFrom(from);
    long producedToFile = emitted - (firstInFile - from);
    EventCounters fileCounters =
        FaultSteps.awaitSettled(
            bootstrap, topics.status(), uid("file"), producedToFile, () -> Long.MAX_VALUE);
    FileLines[] written = {FileLines.of(file())};
    FaultSteps.awaitCondition(
        () -> {
          written[0] = FileLines.of(file());
          return written[0].toldLost() >= fileCounters.lost();
        },
        FaultSteps.WARNINGS_TIMEOUT,
        null);
    FaultFigures toFile =
        new FaultFigures(
            row + ", File output",
            kafka.size(),
            producedToFile,
            written[0].distinctFrom(firstInFile),
            fileCounters.lost(),
            written[0].toldLost(),
            written[0].duplicates(),
            fileRecovery);
    List<String> stopped = new ArrayList<>(List.of("stream", "file"));
    stopped.addAll(List.of(running));
    stopped.forEach(name -> ledger.annotate(name, "stop"));
    // A profile's stop completes it with its report.
    ledger.awaitState(
        TraceState.STOPPED,
        stopped.stream().filter(name -> !OperationsAround.isStatus(name)).toArray(String[]::new));
    ledger.awaitState(
        TraceState.COMPLETED,
        stopped.stream().filter(OperationsAround::isStatus).toArray(String[]::new));
    OperationFigures operations = ledger.figures(agentRestartedAt);
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
    return new PlatformFault(
        stream.withOperations(operations),
        toFile.withOperations(operations),
        operations,
        problems,
        List.of());
  }

  /**
   * What is wrong with the Traces {@code resultsLostWithTheAgent}, whose last operation (a Status
   * Trace's stop, an ExternalResource Trace's generate) was handed over while no agent ran: each
   * must say in its warning that the agent restarted, and hold no result. Asked once they answered,
   * before a later operation replaces the warning.
   */
  List<String> resultsLostWithTheAgentProblems(List<String> resultsLostWithTheAgent) {
    List<String> problems = new ArrayList<>();
    for (String name : resultsLostWithTheAgent) {
      TraceStatus status = ledger.trace(name).get().getStatus();
      String warning = status.getOperationWarning();
      if (status.getOutput() != null
          || profile(name) != null
          || warning == null
          || !warning.contains("The node agent of node \"%s\" restarted".formatted(NODE))) {
        problems.add(
            "%s: its last operation handed over while no agent ran, it holds a result or does not say that the agent restarted: %s"
                .formatted(name, warning));
      }
    }
    return problems;
  }

  /**
   * {@code measured} with {@code problems} and those of the Traces' results: an operation answered
   * whose result (a Status Trace's report, an ExternalResource Trace's profile) is not what the
   * gadget made, or not there, counts as lost; so does each of {@code resultsFoundWrong}, found
   * earlier (e.g. by {@link #resultsLostWithTheAgentProblems}).
   */
  PlatformFault withResults(
      PlatformFault measured,
      List<String> problems,
      List<String> statusTraces,
      List<String> externalTraces,
      List<String> resultsFoundWrong)
      throws IOException {
    List<String> results = resultProblems(statusTraces, externalTraces);
    results.addAll(resultsFoundWrong);
    List<String> all = new ArrayList<>(problems);
    all.addAll(results);
    OperationFigures operations = measured.operations().withResultsLost(results.size());
    return new PlatformFault(
        measured.stream().withOperations(operations),
        measured.file().withOperations(operations),
        operations,
        all,
        measured.notes());
  }

  /**
   * What is wrong with the Status Traces' reports and the ExternalResource Traces' profiles: each
   * is what the made-up gadget makes.
   */
  private List<String> resultProblems(List<String> statusTraces, List<String> externalTraces)
      throws IOException {
    List<String> problems = new ArrayList<>();
    for (String name : statusTraces) {
      String output = ledger.trace(name).get().getStatus().getOutput();
      JsonNode report = output == null ? null : Json.mapper().readTree(output);
      if (report == null
          || !report.path("valType").asText().equals("usecs")
          || report.path("data").path(0).path("count").asLong() <= 0
          || report.path("data").path(0).path("count").asLong() > emitted) {
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

  /** A tmpfs of {@code bytes} on {@code directory}; needs root. */
  private static void mountTmpfs(Path directory, long bytes) throws Exception {
    int exit =
        new ProcessBuilder(
                "mount", "-t", "tmpfs", "-o", "size=" + bytes, "tmpfs", directory.toString())
            .inheritIO()
            .start()
            .waitFor();
    if (exit != 0) {
      throw new IllegalStateException("a full disk needs root to mount a tmpfs on " + directory);
    }
  }

  @Override
  public void close() throws Exception {
    for (ControllerProcess replica : replicas) {
      replica.close();
    }
    if (events != null) {
      events.close();
    }
    if (agentProcess != null) {
      agentProcess.close();
    }
    vertx.close().toCompletionStage().toCompletableFuture().get(1, TimeUnit.MINUTES);
    kube.close();
    kafka.close();
    if (fileDiskMounted) {
      new ProcessBuilder("umount", fileDirectory.toString()).inheritIO().start().waitFor();
    }
  }
}
