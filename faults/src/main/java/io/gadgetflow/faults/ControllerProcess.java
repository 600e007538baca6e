package io.gadgetflow.faults;

import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.controller.ControllerConfig;
import io.gadgetflow.controller.leader.LeaderElection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code gadgetflow controller} from the launcher's jar, in a JVM of its own as its container runs
 * it, set up by {@code GADGETFLOW_*} variables, its log in a file: a controller replica a fault can
 * kill with SIGKILL.
 */
final class ControllerProcess implements AutoCloseable {
  private final String identity;
  private final Path log;
  private final Process process;

  private ControllerProcess(String identity, Path log, Process process) {
    this.identity = identity;
    this.log = log;
    this.process = process;
  }

  /**
   * What a replica is set up with: where the API server, the broker and the topics are, the
   * namespace whose Traces it drives (its Lease is there too), the node agents' keys it trusts as
   * {@code gadgetflow up} trusts them (no registrations), how long it waits for a node's answer,
   * and the Lease's timing.
   */
  record Settings(
      Path kubeconfig,
      String bootstrapServers,
      TopicNames topics,
      String namespace,
      Path nodeKeys,
      Duration operationTimeout,
      LeaderElection.Timing lease) {

    /** The product's operation timeout and Lease timing. */
    static Settings of(
        Path kubeconfig,
        String bootstrapServers,
        TopicNames topics,
        String namespace,
        Path nodeKeys) {
      return new Settings(
          kubeconfig,
          bootstrapServers,
          topics,
          namespace,
          nodeKeys,
          ControllerConfig.DEFAULT_OPERATION_TIMEOUT,
          LeaderElection.Timing.DEFAULT);
    }

    Settings withOperationTimeout(Duration timeout) {
      return new Settings(
          kubeconfig, bootstrapServers, topics, namespace, nodeKeys, timeout, lease);
    }

    Settings withLease(LeaderElection.Timing timing) {
      return new Settings(
          kubeconfig, bootstrapServers, topics, namespace, nodeKeys, operationTimeout, timing);
    }

    /** As {@code GADGETFLOW_*} variables. */
    Map<String, String> environment() {
      return Map.ofEntries(
          Map.entry("KUBECONFIG", kubeconfig.toString()),
          Map.entry("GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS", bootstrapServers),
          Map.entry("GADGETFLOW_TOPIC_CONTROL", topics.control()),
          Map.entry("GADGETFLOW_TOPIC_STATUS", topics.status()),
          Map.entry("GADGETFLOW_TOPIC_EVENTS", topics.events()),
          Map.entry("GADGETFLOW_TOPIC_NODES", topics.nodes()),
          Map.entry("GADGETFLOW_WATCH_NAMESPACE", namespace),
          Map.entry("GADGETFLOW_LEASE_NAMESPACE", namespace),
          Map.entry("GADGETFLOW_TRUSTED_NODE_KEYS", nodeKeys.toString()),
          Map.entry("GADGETFLOW_NODE_SERVICE_ACCOUNT", "none"),
          // Whole-node Traces: the agent here knows no pods to filter by namespace.
          Map.entry("GADGETFLOW_NODE_WIDE_NAMESPACES", namespace),
          Map.entry("GADGETFLOW_STATUS_COUNTERS_INTERVAL_SECONDS", "1"),
          Map.entry(
              "GADGETFLOW_OPERATION_TIMEOUT_SECONDS", Long.toString(operationTimeout.toSeconds())),
          Map.entry(
              "GADGETFLOW_LEASE_DURATION_SECONDS",
              Long.toString(lease.leaseDuration().toSeconds())),
          Map.entry(
              "GADGETFLOW_LEASE_RENEW_DEADLINE_SECONDS",
              Long.toString(lease.renewDeadline().toSeconds())),
          Map.entry(
              "GADGETFLOW_LEASE_RETRY_PERIOD_SECONDS",
              Long.toString(lease.retryPeriod().toSeconds())));
    }
  }

  /** Starts a replica named {@code identity} in the Lease, its log {@code logs/IDENTITY.log}. */
  static ControllerProcess start(String identity, Settings settings, Path logs) throws IOException {
    Path log = logs.resolve(identity + ".log");
    return new ControllerProcess(
        identity, log, LauncherJar.launch("controller", identity, settings.environment(), log));
  }

  String identity() {
    return identity;
  }

  /** What the replica logged so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  /** How many times the replica logged {@code text} so far. */
  int logCount(String text) {
    String log;
    try {
      log = log();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    int count = 0;
    for (int at = log.indexOf(text); at >= 0; at = log.indexOf(text, at + text.length())) {
      count++;
    }
    return count;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** SIGKILL: the replica neither gives its Lease up nor finishes anything it was doing. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor();
  }

  /** Ends the replica as Kubernetes stops a pod: SIGTERM, then SIGKILL if it does not stop. */
  @Override
  public void close() throws InterruptedException {
    process.destroy();
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      kill();
    }
  }
}
