package io.gadgetflow.local.kafka;

import io.gadgetflow.local.LoopbackPorts;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Kafka cluster on this machine: several nodes, each KRaft controller and broker at once, each in
 * a process of its own (a {@link ClusterBroker} on this JVM's class path), so that one can be
 * killed for real ({@link #kill}) and started again on its data ({@link #restart}). The contract's
 * topics get a replica on every broker (at most three) and take writes while all but one are in
 * sync. Each node keeps its data and its log ({@code broker.log}) in {@code node-<id>} under the
 * cluster's directory.
 */
public final class KafkaCluster implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaCluster.class);
  private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration RECHECK_PAUSE = Duration.ofMillis(200);
  private static final int MAX_REPLICAS = 3;

  /** One node: its id, its process (replaced on restart) and how to start it again. */
  private static final class Node {
    final int id;
    final int clientPort;
    final Path propertiesFile;
    final Path log;
    Process process;

    Node(int id, int clientPort, Path propertiesFile, Path log) {
      this.id = id;
      this.clientPort = clientPort;
      this.propertiesFile = propertiesFile;
      this.log = log;
    }
  }

  private final List<Node> nodes;
  private final List<String> jvmOptions;
  private final String bootstrapServers;

  private KafkaCluster(List<Node> nodes, List<String> jvmOptions) {
    this.nodes = nodes;
    this.jvmOptions = List.copyOf(jvmOptions);
    this.bootstrapServers =
        nodes.stream()
            .map(node -> LoopbackPorts.HOST + ":" + node.clientPort)
            .collect(Collectors.joining(","));
  }

  /**
   * Formats {@code dataDir}'s nodes (it must be empty or missing), starts them and returns once
   * every node is a broker of the cluster and the contract's topics have leaders.
   *
   * @param jvmOptions for each node's JVM, e.g. its heap ({@code -Xmx1g})
   * @throws KafkaStartException when a node fails or the cluster is not ready within {@code
   *     timeout}
   */
  public static KafkaCluster start(
      Path dataDir, int size, ContractTopics topics, List<String> jvmOptions, Duration timeout) {
    return start(dataDir, size, topics, jvmOptions, Map.of(), timeout);
  }

  /**
   * As {@link #start(Path, int, ContractTopics, List, Duration)}, each node's configuration with
   * {@code brokerSettings} over GadgetFlow's: to measure what a setting changes (bench/faults).
   */
  public static KafkaCluster start(
      Path dataDir,
      int size,
      ContractTopics topics,
      List<String> jvmOptions,
      Map<String, String> brokerSettings,
      Duration timeout) {
    if (size < 1) {
      throw new IllegalArgumentException("a cluster needs at least one node, was " + size);
    }
    int[] ports = LoopbackPorts.freePorts(2 * size);
    String voters =
        IntStream.range(0, size)
            .mapToObj(i -> (i + 1) + "@" + LoopbackPorts.HOST + ":" + ports[size + i])
            .collect(Collectors.joining(","));
    String clusterId = Uuid.randomUuid().toString();
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < size; i++) {
      int id = i + 1;
      Path nodeDir = dataDir.resolve("node-" + id);
      Path logDir = nodeDir.resolve("data");
      KafkaStorage.formatIfNeeded(logDir, id, clusterId);
      Properties properties =
          BrokerProperties.clusterNode(logDir, id, ports[i], ports[size + i], voters, size);
      properties.putAll(brokerSettings);
      Path propertiesFile = nodeDir.resolve("server.properties");
      try (Writer writer = Files.newBufferedWriter(propertiesFile)) {
        properties.store(writer, "node " + id + " of a GadgetFlow KafkaCluster");
      } catch (IOException e) {
        throw new UncheckedIOException("cannot write " + propertiesFile, e);
      }
      nodes.add(new Node(id, ports[i], propertiesFile, nodeDir.resolve("broker.log")));
    }
    KafkaCluster cluster = new KafkaCluster(nodes, jvmOptions);
    try {
      nodes.forEach(cluster::launch);
      cluster.awaitReady(topics, Math.min(size, MAX_REPLICAS), timeout);
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    LOG.info("Kafka cluster of {} nodes ready on {}", size, cluster.bootstrapServers);
    return cluster;
  }

  /** Every node's client address, {@code 127.0.0.1:<port>,...}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  /** The client addresses of every node but {@code id}: to reach the cluster while it is away. */
  public String bootstrapServersWithout(int id) {
    return nodes.stream()
        .filter(node -> node.id != node(id).id)
        .map(node -> LoopbackPorts.HOST + ":" + node.clientPort)
        .collect(Collectors.joining(","));
  }

  /** How many nodes the cluster has (running or not). */
  public int size() {
    return nodes.size();
  }

  /** The process id of node {@code id} (1 to {@link #size()}), e.g. to measure its CPU time. */
  public long pid(int id) {
    return node(id).process.pid();
  }

  /**
   * The node that leads the KRaft quorum now, the active controller: the one that fences brokers
   * that stop heartbeating, and whose own loss adds an election before anything is fenced.
   *
   * @throws IllegalStateException when the cluster does not say within 30 s
   */
  public int quorumLeader() {
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      return admin.describeMetadataQuorum().quorumInfo().get(30, TimeUnit.SECONDS).leaderId();
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("the Kafka cluster did not name its quorum's leader", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while asking for the quorum's leader", e);
    }
  }

  /** Kills node {@code id} at once (SIGKILL), as a crash would, and waits until it is gone. */
  public void kill(int id) {
    Process process = node(id).process;
    process.destroyForcibly();
    awaitExit(process);
  }

  /**
   * Stops node {@code id} where it is (SIGSTOP), as a long GC pause or a starved machine would: it
   * neither heartbeats nor answers, and keeps its connections, until {@link #resume}.
   */
  public void pause(int id) {
    signal(id, "STOP");
  }

  /** Lets node {@code id} run on (SIGCONT) after {@link #pause}. */
  public void resume(int id) {
    signal(id, "CONT");
  }

  private void signal(int id, String signal) {
    long pid = node(id).process.pid();
    try {
      int exit =
          new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
              .inheritIO()
              .start()
              .waitFor();
      if (exit != 0) {
        throw new IllegalStateException("kill -" + signal + " " + pid + " exited with " + exit);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot send SIG" + signal + " to Kafka node " + id, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while sending SIG" + signal, e);
    }
  }

  /**
   * The brokers the cluster's metadata holds as not fenced (taking writes as leaders and
   * followers), as {@code admin} reads it within {@code timeout}; empty when it cannot say.
   */
  public static Set<Integer> unfencedBrokers(Admin admin, Duration timeout)
      throws InterruptedException {
    try {
      return admin
          .describeCluster(
              new DescribeClusterOptions()
                  .includeFencedBrokers(true)
                  .timeoutMs((int) timeout.toMillis()))
          .nodes()
          .get(timeout.toMillis() + 500, TimeUnit.MILLISECONDS)
          .stream()
          .filter(node -> !node.isFenced())
          .map(org.apache.kafka.common.Node::id)
          .collect(Collectors.toSet());
    } catch (ExecutionException | TimeoutException e) {
      return Set.of();
    }
  }

  /** Starts node {@code id} again on its data and ports, after {@link #kill}; does not wait. */
  public void restart(int id) {
    Node node = node(id);
    if (node.process.isAlive()) {
      throw new IllegalStateException("node " + id + " is running");
    }
    launch(node);
  }

  /** Stops every node (SIGTERM: each shuts down cleanly) and waits for them. */
  @Override
  public void close() {
    for (Node node : nodes) {
      if (node.process != null) {
        node.process.destroy();
      }
    }
    for (Node node : nodes) {
      if (node.process != null && !awaitExit(node.process)) {
        node.process.destroyForcibly();
        awaitExit(node.process);
      }
    }
  }

  private Node node(int id) {
    if (id < 1 || id > nodes.size()) {
      throw new IllegalArgumentException("no node " + id + " in a cluster of " + nodes.size());
    }
    return nodes.get(id - 1);
  }

  private void launch(Node node) {
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmOptions);
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(ClusterBroker.class.getName());
    command.add(node.propertiesFile.toString());
    try {
      node.process =
          new ProcessBuilder(command)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.appendTo(node.log.toFile()))
              .start();
    } catch (IOException e) {
      throw new KafkaStartException("cannot start Kafka node " + node.id, e);
    }
  }

  private void awaitReady(ContractTopics topics, int replicas, Duration timeout) {
    long deadline = System.nanoTime() + timeout.toNanos();
    try (Admin admin =
        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      while (brokers(admin) < nodes.size()) {
        for (Node node : nodes) {
          if (!node.process.isAlive()) {
            throw new KafkaStartException(
                "Kafka node " + node.id + " exited while starting; see " + node.log);
          }
        }
        if (System.nanoTime() > deadline) {
          throw new KafkaStartException(
              "the Kafka cluster had not all its brokers within " + timeout);
        }
        Thread.sleep(RECHECK_PAUSE);
      }
      new KafkaTopics(admin)
          .ensure(
              topics.newTopics(replicas),
              Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaStartException("interrupted while the Kafka cluster started", e);
    }
  }

  /** How many brokers the cluster has registered, 0 while it cannot say. */
  private static int brokers(Admin admin) throws InterruptedException {
    try {
      return admin.describeCluster().nodes().get(2, TimeUnit.SECONDS).size();
    } catch (ExecutionException | TimeoutException e) {
      return 0;
    }
  }

  private static boolean awaitExit(Process process) {
    try {
      return process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }
}
