package io.gadgetflow.bench.fleet;

import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Node agents, many in this JVM: each a real {@link NodeVerticle} (its control reader, event sink,
 * status reporter and their Kafka clients, as on a node) with {@link SyntheticEvents} for gadgets,
 * all on one Vert.x instance. Notes what they cost this JVM: threads and heap per agent.
 */
final class FleetAgents implements AutoCloseable {
  private final Vertx vertx;
  private final List<String> deployments = new ArrayList<>();
  final int threadsPerAgentTimes100;
  final long heapBytesPerAgent;

  private FleetAgents(Vertx vertx, int threadsPerAgentTimes100, long heapBytesPerAgent) {
    this.vertx = vertx;
    this.threadsPerAgentTimes100 = threadsPerAgentTimes100;
    this.heapBytesPerAgent = heapBytesPerAgent;
  }

  /** Deploys the agents of {@code nodes} and returns once each follows the control topic. */
  static FleetAgents deploy(
      Vertx vertx,
      List<String> nodes,
      String bootstrapServers,
      SyntheticEvents events,
      Path nodeKeys)
      throws Exception {
    int threadsBefore = ManagementFactory.getThreadMXBean().getThreadCount();
    long heapBefore = heapUsedAfterGc();
    List<Future<String>> deploying = new ArrayList<>();
    for (String node : nodes) {
      deploying.add(
          vertx.deployVerticle(
              new NodeVerticle(
                  NodeConfig.defaults(node, bootstrapServers).withKeyDirectory(nodeKeys),
                  null,
                  Clock.systemUTC(),
                  new SimpleMeterRegistry(),
                  events)));
    }
    Future.all(deploying).toCompletionStage().toCompletableFuture().get(10, TimeUnit.MINUTES);
    int threads = ManagementFactory.getThreadMXBean().getThreadCount() - threadsBefore;
    long heap = heapUsedAfterGc() - heapBefore;
    FleetAgents agents = new FleetAgents(vertx, threads * 100 / nodes.size(), heap / nodes.size());
    deploying.forEach(deployed -> agents.deployments.add(deployed.result()));
    return agents;
  }

  private static long heapUsedAfterGc() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  /** Stops every agent (each stops its gadgets and closes its clients). */
  @Override
  public void close() throws Exception {
    List<Future<Void>> undeploying = new ArrayList<>();
    deployments.forEach(id -> undeploying.add(vertx.undeploy(id)));
    Future.join(undeploying).toCompletionStage().toCompletableFuture().get(5, TimeUnit.MINUTES);
  }
}
