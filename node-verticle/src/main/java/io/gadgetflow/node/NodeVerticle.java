package io.gadgetflow.node;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.kafka.SkippedRecords;
import io.gadgetflow.kafka.identity.NodeKey;
import io.gadgetflow.kafka.identity.NodeKeyFiles;
import io.gadgetflow.node.bpf.NativeArchitecture;
import io.gadgetflow.node.containers.ContainerRegistry;
import io.gadgetflow.node.containers.NodePods;
import io.gadgetflow.node.containers.ProcessScanner;
import io.gadgetflow.node.control.ControlReader;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.NodeRegistrar;
import io.gadgetflow.node.kafka.StatusReporter;
import io.gadgetflow.node.metrics.NodeMetrics;
import io.gadgetflow.node.trace.GadgetLoader;
import io.gadgetflow.node.trace.TraceSettings;
import io.gadgetflow.node.trace.TraceSupervisor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import org.apache.kafka.clients.producer.Producer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: follows the control topic for this node, runs the gadgets it asks for, sends
 * their events to the events topic and its answers to the status topic. Kafka is its only output;
 * from Kubernetes it only reads the pods of its node, to know their containers (without that, it
 * runs unfiltered traces only).
 */
public final class NodeVerticle extends VerticleBase implements Supervision.Supervised {
  private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);
  private static final int GADGET_LOADERS = 2;

  private final NodeConfig config;
  private final KubernetesClient podReader;
  private final Clock clock;
  private final MeterRegistry registry;
  private final GadgetLoader loader;
  private final Supervision supervision = new Supervision();

  private ContainerRegistry containers;
  private NodePods nodePods;
  private WorkerExecutor gadgetLoaders;
  private EventSink sink;
  private StatusReporter reporter;
  private NodeRegistrar registrar;
  private TraceSupervisor supervisor;
  private ControlReader controlReader;
  private long reportTimer;

  /**
   * An agent without access to Kubernetes (events name no pod, container filters are refused),
   * whose meters are kept in memory only.
   */
  public NodeVerticle(NodeConfig config, Clock clock) {
    this(config, null, clock, new SimpleMeterRegistry());
  }

  /** An agent that knows the containers of its node, whose meters are kept in memory only. */
  public NodeVerticle(NodeConfig config, KubernetesClient podReader, Clock clock) {
    this(config, podReader, clock, new SimpleMeterRegistry());
  }

  /**
   * @param podReader may read the pods of this node, or null to run without container awareness;
   *     the caller closes it after the agent stopped
   * @param registry where the agent's meters go (see {@link NodeMetrics})
   */
  public NodeVerticle(
      NodeConfig config, KubernetesClient podReader, Clock clock, MeterRegistry registry) {
    this(config, podReader, clock, registry, GadgetLoader.KERNEL);
  }

  /**
   * @param loader loads the gadgets: {@link GadgetLoader#KERNEL} but in bench/fleet, whose agents
   *     run without eBPF
   */
  public NodeVerticle(
      NodeConfig config,
      KubernetesClient podReader,
      Clock clock,
      MeterRegistry registry,
      GadgetLoader loader) {
    this.config = config;
    this.podReader = podReader;
    this.clock = clock;
    this.registry = registry;
    this.loader = loader;
  }

  /** The event sender, the ring readers and the control reader: when one dies, the agent did. */
  @Override
  public Supervision supervision() {
    return supervision;
  }

  @Override
  public Future<?> start() {
    NativeArchitecture architecture;
    try {
      architecture = NativeArchitecture.current();
    } catch (IllegalStateException unsupported) {
      return Future.failedFuture(unsupported);
    }
    LOG.info("Node agent {} starting on {} with {}", config.nodeName(), architecture, config);
    gadgetLoaders = vertx.createSharedWorkerExecutor("gadgetflow-gadget-loader", GADGET_LOADERS);
    NodeMetrics metrics = new NodeMetrics(registry);
    // Kafka clients, the key and the first scan of the node's processes block for seconds on a
    // busy node: on a worker, with the event loop free meanwhile.
    return vertx
        .executeBlocking(() -> startClients(metrics))
        .compose(this::register)
        .compose(
            key ->
                vertx
                    .executeBlocking(
                        () -> StatusReporter.createProducer(config.kafka(), key.node()))
                    .map(
                        statusProducer -> {
                          startSupervisor(key, statusProducer, metrics);
                          return null;
                        }))
        .compose(v -> vertx.executeBlocking(this::startControlReader))
        .compose(
            reader -> {
              controlReader = reader;
              reportTimer =
                  vertx.setPeriodic(
                      config.reportInterval().toMillis(), id -> supervisor.reportCounters());
              return reader.positioned();
            });
  }

  /**
   * What blocks in starting, but for the status topic's producer: the container registry, the event
   * sink, the key the status records are signed with (returned).
   */
  private NodeKey startClients(NodeMetrics metrics) {
    if (podReader == null) {
      LOG.info("Node agent {} runs without container awareness", config.nodeName());
      containers = ContainerRegistry.withoutPods();
    } else {
      containers =
          ContainerRegistry.start(ProcessScanner.ofThisMachine(), config.containerGracePeriod());
      nodePods = NodePods.start(podReader, config.nodeName(), containers);
    }
    sink =
        EventSink.create(
            config.kafka(),
            config.nodeName(),
            config.topics().events(),
            config.eventQueueBytes(),
            config.eventForm(),
            metrics.kafkaSend(),
            supervision);
    return statusKey();
  }

  /**
   * The key this agent signs its status records with: the one in its key directory, trusted by a
   * controller that reads the same directory ({@code gadgetflow up}), or a new one to register.
   */
  private NodeKey statusKey() {
    if (config.keyDirectory() != null) {
      return NodeKeyFiles.loadOrCreate(config.keyDirectory(), config.nodeName());
    }
    if (config.serviceAccountTokenFile() == null) {
      LOG.warn(
          "Node agent {} has neither a key directory nor a service account token to register its"
              + " status key with: the controller will refuse its status records",
          config.nodeName());
    }
    return NodeKey.generate(config.nodeName());
  }

  /** Registers the key before any status record is signed with it. */
  private Future<NodeKey> register(NodeKey key) {
    if (config.serviceAccountTokenFile() == null) {
      return Future.succeededFuture(key);
    }
    return NodeRegistrar.start(
            vertx,
            config.kafka(),
            config.topics().nodes(),
            key,
            config.serviceAccountTokenFile(),
            clock)
        .map(
            started -> {
              registrar = started;
              return key;
            });
  }

  /** The reporter, on the event loop (it sends on this context), and the trace supervisor. */
  private void startSupervisor(
      NodeKey key, Producer<String, byte[]> statusProducer, NodeMetrics metrics) {
    reporter =
        StatusReporter.around(
            vertx, statusProducer, config.topics().status(), key, metrics.statusSendFailures());
    supervisor =
        new TraceSupervisor(
            new TraceSettings(
                config.nodeName(), config.ringBufferBytes(), config.fileOutputDirectory()),
            loader,
            gadgetLoaders,
            sink,
            reporter,
            containers,
            clock,
            metrics);
  }

  /** Creates the control topic's consumer and starts its thread: blocks. */
  private ControlReader startControlReader() {
    SkippedRecords skippedControl = new SkippedRecords("node-control", LOG::warn);
    skippedControl.bindTo(registry);
    return ControlReader.start(
        config.kafka(),
        config.topics().control(),
        config.nodeName(),
        context,
        supervisor,
        skippedControl,
        supervision);
  }

  /**
   * Stops within the pod's termination grace period (30 s) also while Kafka is away, so that the
   * process ends with its own word rather than a SIGKILL: an operation still running gets {@link
   * TraceSupervisor#PENDING_WORK_AT_STOP} (3 s) before its gadget ends anyway, the event sink
   * {@link EventSink#CLOSE_TIMEOUT} (10 s, plus 2 s for its sender to fail what is left), the
   * status and registration producers 2 s each ({@code ProducerClose}): at most some 19 s besides
   * unloading the gadgets. What Kafka did not take is counted as lost and logged by the sink, not
   * dropped without a word. (With Kafka away, this stop took 75 s before: a trace's pending answer
   * waited a minute for Kafka's metadata, then the sink 20 s.)
   */
  @Override
  public Future<?> stop() {
    // Closing the Kafka clients below ends the threads that use them, the sender with an exception
    // when Kafka is unreachable: that is the stop, not a part dying beside it.
    supervision.stopping();
    vertx.cancelTimer(reportTimer);
    return vertx
        .executeBlocking(
            () -> {
              controlReader.close();
              return null;
            })
        .compose(v -> supervisor.stopAll())
        .compose(
            v ->
                vertx.executeBlocking(
                    () -> {
                      sink.close();
                      return null;
                    }))
        .eventually(reporter::close)
        .eventually(() -> registrar == null ? Future.succeededFuture() : registrar.close())
        .eventually(gadgetLoaders::close)
        .eventually(
            () -> {
              if (nodePods != null) {
                nodePods.close();
              }
              containers.close();
              return Future.succeededFuture();
            });
  }
}
