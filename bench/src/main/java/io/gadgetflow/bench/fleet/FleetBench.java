package io.gadgetflow.bench.fleet;

import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.local.kafka.ContractTopics;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.local.kube.ControlPlaneBinaries;
import io.gadgetflow.local.kube.LocalControlPlane;
import io.gadgetflow.local.kube.LocalControlPlaneConfig;
import io.gadgetflow.web.WebConfig;
import io.gadgetflow.web.WebVerticle;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

/**
 * A fleet on this machine: a three-broker KRaft cluster (processes), the local API server, the
 * controller (a process), N node agents in this JVM whose gadgets make up their events ({@link
 * SyntheticEvents}: no eBPF), a web UI instance, and a downstream consumer group. For each N, four
 * {@code kubectl gadget ... -A} runs (trace exec, open, tcp, signal) start one Trace per node each,
 * run, stop and delete them; what each part saw and what it cost is printed.
 */
public final class FleetBench {
  static final String NAMESPACE = Trace.DEFAULT_NAMESPACE;
  static final List<String> COMMANDS =
      List.of("trace exec", "trace open", "trace tcp", "trace signal");

  public static void main(String[] args) throws Exception {
    int[] fleets =
        args.length == 0
            ? new int[] {50, 200, 500}
            : Arrays.stream(args).mapToInt(Integer::parseInt).toArray();
    Settings settings = Settings.fromEnvironment();
    System.out.printf(
        "fleet: %s nodes, %s; events are SYNTHETIC (no eBPF): %.1f events/s per Trace; %s; %s%n",
        Arrays.toString(fleets),
        settings,
        settings.ratePerTrace(),
        ControlPlanePriority.describe(settings.controlPlaneNice()),
        ControlPlaneCores.describe(settings.controlPlaneCpus()));
    Path data = Files.createTempDirectory("gadgetflow-fleet-");
    ContractTopics topics =
        ContractTopics.DEFAULTS.withEventsPartitions(settings.eventsPartitions());
    // First, so that it closes last, once the processes it placed have ended.
    try (ControlPlaneCores cores =
            ControlPlaneCores.start(settings.controlPlaneCpus()).orElse(null);
        KafkaCluster kafka =
            KafkaCluster.start(
                data.resolve("kafka"),
                3,
                topics,
                List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                Duration.ofMinutes(3));
        LocalControlPlane kube =
            LocalControlPlane.start(
                LocalControlPlaneConfig.inDirectory(
                        ControlPlaneBinaries.fromEnvironment(), data.resolve("kube"))
                    .withApiServerPort(0));
        KubernetesClient client = kube.newClient();
        AutoCloseable priority =
            ControlPlanePriority.start(settings.controlPlaneNice()).orElse(null)) {
      KafkaClients clients = new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT);
      Fleet fleet =
          new Fleet(
              settings,
              kafka,
              kube,
              client,
              clients,
              data,
              topics.names(),
              Optional.ofNullable(cores));
      fleet.run(fleets);
    }
    System.out.println("fleet data (logs) in " + data);
  }

  /**
   * @param ratePerTrace synthetic events a second per Trace
   * @param runSeconds how long the four runs' Traces all run before Ctrl-C ends the runs
   * @param watchSeconds how long the web UI client watches one trace
   * @param eventsPartitions partitions of the events topic
   * @param controllerJvmOptions more options of the controller's JVM, e.g. to profile it
   * @param controlPlaneNice the nice value of the control plane's processes, when it is to come
   *     first ({@link ControlPlanePriority}); empty: as-is
   * @param controlPlaneCpus the cores kept for the control plane, the fleet's side capped to the
   *     rest ({@link ControlPlaneCores}); empty: as-is
   */
  record Settings(
      double ratePerTrace,
      int runSeconds,
      int watchSeconds,
      int eventsPartitions,
      List<String> controllerJvmOptions,
      Optional<Integer> controlPlaneNice,
      Optional<Double> controlPlaneCpus) {
    static Settings fromEnvironment() {
      Map<String, String> env = System.getenv();
      String controllerOptions = env.getOrDefault("FLEET_CONTROLLER_JVM_OPTIONS", "").strip();
      return new Settings(
          Double.parseDouble(env.getOrDefault("FLEET_RATE_PER_TRACE", "1")),
          Integer.parseInt(env.getOrDefault("FLEET_RUN_SECONDS", "40")),
          Integer.parseInt(env.getOrDefault("FLEET_WATCH_SECONDS", "10")),
          Integer.parseInt(env.getOrDefault("FLEET_EVENTS_PARTITIONS", "6")),
          controllerOptions.isEmpty() ? List.of() : List.of(controllerOptions.split("\\s+")),
          Optional.ofNullable(env.get("FLEET_CONTROL_PLANE_NICE"))
              .filter(nice -> !nice.isBlank())
              .map(nice -> Integer.parseInt(nice.strip())),
          Optional.ofNullable(env.get("FLEET_CONTROL_PLANE_CPUS"))
              .filter(cpus -> !cpus.isBlank())
              .map(cpus -> Double.parseDouble(cpus.strip())));
    }
  }

  /** The platform, and one step per fleet size. */
  record Fleet(
      Settings settings,
      KafkaCluster kafka,
      LocalControlPlane kube,
      KubernetesClient client,
      KafkaClients clients,
      Path data,
      TopicNames topics,
      Optional<ControlPlaneCores> cores) {

    void run(int[] fleets) throws Exception {
      Vertx vertx = Vertx.vertx();
      WebVerticle web =
          new WebVerticle(
              WebConfig.fromEnvironment(Map.of("GADGETFLOW_WEB_PORT", "0"))
                  .withKafka(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT)
                  .forLocalPlatform("fleet-node-0"),
              client,
              Clock.systemUTC());
      vertx.deployVerticle(web).toCompletionStage().toCompletableFuture().get();
      String token = web.dashboardUrl().substring(web.dashboardUrl().indexOf("#token=") + 7);
      WatchMarks watch = new WatchMarks();
      try (ChildJvm controller = startController();
          ChildJvm watching = startWatch(watch);
          SyntheticEvents events = new SyntheticEvents(settings.ratePerTrace())) {
        for (int nodes : fleets) {
          double throttledBefore = cores.map(ControlPlaneCores::fleetThrottledSeconds).orElse(0.0);
          new Step(this, vertx, controller, watch, events, web.port(), token, nodes)
              .run()
              .print(System.out);
          cores.ifPresent(
              kept ->
                  System.out.printf(
                      "  the fleet's side (agents' JVM, brokers) held back by its quota of %.1f"
                          + " cores: %.1f s in this step%n",
                      kept.fleetCores(), kept.fleetThrottledSeconds() - throttledBefore));
          watch.clear();
        }
      } finally {
        vertx.close().toCompletionStage().toCompletableFuture().get();
      }
    }

    ChildJvm startController() throws Exception {
      List<String> options =
          new java.util.ArrayList<>(
              List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"));
      // When it took operations and asked for answers' writes (ControllerMarks).
      options.addAll(ControllerMarks.JVM_OPTIONS);
      // e.g. -XX:StartFlightRecording=filename=controller.jfr to profile the controller.
      options.addAll(settings.controllerJvmOptions());
      return startReady(
          FleetController.class.getName(),
          FleetController.READY,
          lines ->
              ChildJvm.start(
                  FleetController.class.getName(),
                  options,
                  List.of(),
                  Map.of(
                      "GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS",
                      kafka.bootstrapServers(),
                      "KUBECONFIG",
                      kube.kubeconfig().toString(),
                      "GADGETFLOW_METRICS_PORT",
                      "0",
                      // Not the API server baseline's Traces (ApiServerBaseline).
                      "GADGETFLOW_WATCH_NAMESPACE",
                      NAMESPACE,
                      // The agents' keys, as gadgetflow up trusts them: no registrations here.
                      "GADGETFLOW_TRUSTED_NODE_KEYS",
                      nodeKeys().toString(),
                      "GADGETFLOW_NODE_SERVICE_ACCOUNT",
                      "none"),
                  data.resolve("controller.log"),
                  (line, micros) -> lines.accept(line)));
    }

    /**
     * The bench's watch ({@link FleetWatch}), on the control plane's side: its marks go to {@code
     * marks}.
     */
    ChildJvm startWatch(WatchMarks marks) throws Exception {
      return startReady(
          FleetWatch.class.getName(),
          FleetWatch.READY,
          lines ->
              ChildJvm.start(
                  FleetWatch.class.getName(),
                  List.of("-Xmx1g", "-Dorg.slf4j.simpleLogger.defaultLogLevel=warn"),
                  List.of(kafka.bootstrapServers(), topics.status(), topics.control(), NAMESPACE),
                  Map.of("KUBECONFIG", kube.kubeconfig().toString()),
                  data.resolve("watch.log"),
                  (line, micros) -> {
                    lines.accept(line);
                    marks.read(line);
                  }));
    }

    /** A child JVM started by {@code start}, once it printed {@code ready}. */
    private static ChildJvm startReady(String what, String ready, ChildStart start)
        throws Exception {
      java.util.concurrent.CountDownLatch started = new java.util.concurrent.CountDownLatch(1);
      ChildJvm child =
          start.start(
              line -> {
                if (line.equals(ready)) {
                  started.countDown();
                }
              });
      if (!started.await(2, TimeUnit.MINUTES)) {
        child.close();
        throw new IllegalStateException(what + " did not start; see its log in the fleet's data");
      }
      return child;
    }

    /** Starts a child JVM whose every line of output goes to {@code lines}. */
    @FunctionalInterface
    private interface ChildStart {
      ChildJvm start(java.util.function.Consumer<String> lines) throws Exception;
    }

    /** Where the agents keep their status keys, which the controller trusts. */
    Path nodeKeys() {
      return data.resolve("node-keys");
    }

    /** Exactly the Node objects of {@code nodes}: kubectl gadget -A runs on these. */
    void nodeObjects(List<String> nodes) {
      client.nodes().list().getItems().stream()
          .map(node -> node.getMetadata().getName())
          .filter(name -> !nodes.contains(name))
          .forEach(name -> client.nodes().withName(name).delete());
      List<String> existing =
          client.nodes().list().getItems().stream().map(n -> n.getMetadata().getName()).toList();
      nodes.stream()
          .filter(name -> !existing.contains(name))
          .forEach(
              name ->
                  client
                      .nodes()
                      .resource(
                          new NodeBuilder().withNewMetadata().withName(name).endMetadata().build())
                      .create());
    }

    static List<String> nodeNames(int count) {
      return IntStream.range(0, count).mapToObj(i -> "fleet-node-" + i).toList();
    }

    Path log(String name) {
      return data.resolve(name.replace(' ', '-') + ".log");
    }
  }
}
