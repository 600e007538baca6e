package io.gadgetflow.node;

import io.gadgetflow.node.control.ControlReader;
import io.gadgetflow.node.kafka.EventSink;
import io.gadgetflow.node.kafka.StatusReporter;
import io.gadgetflow.node.metrics.NodeMetrics;
import io.gadgetflow.node.trace.TraceSupervisor;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.WorkerExecutor;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node agent: follows the control topic for this node, runs the gadgets it asks for, sends
 * their events to the events topic and its answers to the status topic. It needs no access to the
 * Kubernetes API for that: Kafka is its only input and output.
 */
public final class NodeVerticle extends VerticleBase {
  private static final Logger LOG = LoggerFactory.getLogger(NodeVerticle.class);
  private static final int GADGET_LOADERS = 2;

  private final NodeConfig config;
  private final Clock clock;
  private final MeterRegistry registry;

  private WorkerExecutor gadgetLoaders;
  private EventSink sink;
  private StatusReporter reporter;
  private TraceSupervisor supervisor;
  private ControlReader controlReader;
  private long reportTimer;

  /** An agent whose meters are kept in memory only. */
  public NodeVerticle(NodeConfig config, Clock clock) {
    this(config, clock, new SimpleMeterRegistry());
  }

  /**
   * @param registry where the agent's meters go (see {@link NodeMetrics})
   */
  public NodeVerticle(NodeConfig config, Clock clock, MeterRegistry registry) {
    this.config = config;
    this.clock = clock;
    this.registry = registry;
  }

  @Override
  public Future<?> start() {
    LOG.info("Node agent {} starting with {}", config.nodeName(), config);
    gadgetLoaders = vertx.createSharedWorkerExecutor("gadgetflow-gadget-loader", GADGET_LOADERS);
    NodeMetrics metrics = new NodeMetrics(registry);
    sink = EventSink.create(config, metrics.kafkaSend());
    reporter = StatusReporter.create(vertx, config);
    supervisor = new TraceSupervisor(config, gadgetLoaders, sink, reporter, clock, metrics);
    controlReader = ControlReader.start(config, context, supervisor);
    reportTimer =
        vertx.setPeriodic(config.reportInterval().toMillis(), id -> supervisor.reportCounters());
    return controlReader.positioned();
  }

  @Override
  public Future<?> stop() {
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
        .eventually(gadgetLoaders::close);
  }
}
