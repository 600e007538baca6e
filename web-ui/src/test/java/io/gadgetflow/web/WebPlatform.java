package io.gadgetflow.web;

import io.gadgetflow.api.kafka.TopicNames;
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
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The platform behind the web UI for one test class: the real controller and node agent of this
 * machine, and the web UI, in one Vert.x, on topics and a namespace of the class's own, against the
 * run's real API server and broker.
 */
final class WebPlatform implements AutoCloseable {
  static final Duration TIMEOUT = Duration.ofSeconds(40);
  static final int EVENT_PARTITIONS = 3;

  /** Event websockets one user may hold; WebApiIT opens one more than this as one user. */
  static final int SOCKETS_PER_USER = 4;

  final KubernetesCluster cluster;
  final KafkaBroker kafka;
  final String namespace;
  final String node;
  final TopicNames topics;
  final Vertx vertx = Vertx.vertx();
  WebVerticle web;

  WebPlatform(KubernetesCluster cluster, KafkaBroker kafka, String namespace, String node) {
    this.cluster = cluster;
    this.kafka = kafka;
    this.namespace = namespace;
    this.node = node;
    this.topics =
        new TopicNames(
            kafka.createTopic("control"),
            kafka.createTopic("status"),
            kafka.createTopic("events", EVENT_PARTITIONS));
  }

  /** The controller, watching this platform's namespace only, and this machine's node agent. */
  WebPlatform withControllerAndNodeAgent() {
    Path nodeKeys = NodeKeyDirectory.temporary();
    ControllerConfig controller =
        new ControllerConfig(
            kafka.bootstrapServers(),
            topics,
            namespace,
            namespace,
            ControllerConfig.DEFAULT_LEASE_NAME,
            "controller-web-it",
            Duration.ofSeconds(10),
            Duration.ofSeconds(4),
            Duration.ofSeconds(1),
            ControllerConfig.DEFAULT_STATUS_COUNTER_WRITES_PER_SECOND,
            new LeaderElection.Timing(
                Duration.ofSeconds(4), Duration.ofSeconds(3), Duration.ofMillis(500)),
            ControllerConfig.DEFAULT_CACHE_SYNC_TIMEOUT,
            KafkaSecurity.PLAINTEXT,
            TracePolicy.NO_TENANTS,
            NodeTrust.directory(nodeKeys));
    await(
        vertx.deployVerticle(
            new ControllerVerticle(controller, cluster.client(), Clock.systemUTC())));
    await(
        vertx.deployVerticle(
            new NodeVerticle(
                NodeConfig.defaults(node, kafka.bootstrapServers())
                    .withKeyDirectory(nodeKeys)
                    .withTopics(topics)
                    .withReportInterval(Duration.ofMillis(500)),
                Clock.systemUTC())));
    return this;
  }

  WebPlatform withWeb(boolean localMode, int socketQueueEvents) {
    WebConfig config =
        new WebConfig(
            WebConfig.LOOPBACK,
            0,
            kafka.bootstrapServers(),
            topics,
            localMode,
            List.of(),
            List.of(node),
            WebConfig.DEFAULT_NODE_WINDOW,
            WebConfig.DEFAULT_REPLAY_EVENTS,
            socketQueueEvents,
            SOCKETS_PER_USER,
            WebConfig.DEFAULT_TOKEN_AUDIENCE,
            KafkaSecurity.PLAINTEXT);
    web = new WebVerticle(config, cluster.client(), Clock.systemUTC());
    await(vertx.deployVerticle(web));
    return this;
  }

  String baseUrl() {
    return "http://127.0.0.1:" + web.port();
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
