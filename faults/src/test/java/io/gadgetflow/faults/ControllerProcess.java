package io.gadgetflow.faults;

import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code gadgetflow controller} from the launcher's jar, in a JVM of its own as its container runs
 * it, set up by {@code GADGETFLOW_*} variables, its log in a file: a controller replica a fault can
 * kill with SIGKILL.
 */
final class ControllerProcess implements AutoCloseable {
  /**
   * The launcher, built by the cli module before this one (the faults module runs in its folder).
   */
  static final Path JAR = Path.of("..", "cli", "target", "gadgetflow.jar");

  private final String identity;
  private final Path log;
  private final Process process;

  private ControllerProcess(String identity, Path log, Process process) {
    this.identity = identity;
    this.log = log;
    this.process = process;
  }

  /**
   * Starts a replica named {@code identity} in the Lease, with {@code environment} besides its
   * identity and a free monitoring port.
   */
  static ControllerProcess start(String identity, Map<String, String> environment, Path logs)
      throws IOException {
    Path log = logs.resolve(identity + ".log");
    return new ControllerProcess(
        identity, log, RoleProcess.launch("controller", identity, environment, log));
  }

  /**
   * What a replica needs to drive {@code namespace}'s Traces on the test's API server and broker:
   * their addresses, the test's topics, the Lease in that namespace, and the node agent's key in
   * {@code nodeKeys} trusted as {@code gadgetflow up} trusts it (no registrations).
   */
  static Map<String, String> environment(
      KubernetesCluster cluster,
      KafkaBroker kafka,
      TopicNames topics,
      String namespace,
      Path nodeKeys) {
    return Map.ofEntries(
        Map.entry("KUBECONFIG", cluster.kubeconfig().toString()),
        Map.entry("GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS", kafka.bootstrapServers()),
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
        Map.entry("GADGETFLOW_STATUS_COUNTERS_INTERVAL_SECONDS", "1"));
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
