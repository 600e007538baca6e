package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.testing.CtrlC;
import io.gadgetflow.testing.KubernetesCluster;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code gadgetflow cluster}, run as a user runs it: the launcher jar as a process, until every
 * GadgetFlow pod is Ready, then used through what it printed (the kubeconfig, Kafka's address, the
 * dashboard's URL). One serves the whole tier ({@link ClusterExtension}); {@link #stop()} ends it
 * as Ctrl-C would.
 */
final class GadgetFlowCluster implements AutoCloseable {
  /** Cold images and JVMs on a busy machine take minutes; the build is not part of this. */
  private static final Duration START_TIMEOUT = Duration.ofMinutes(15);

  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);
  private static final Duration FIRST_GADGET_RUN_TIMEOUT = Duration.ofMinutes(5);
  private static final Duration OTHER_CLUSTER_TIMEOUT = Duration.ofMinutes(30);
  private static final Pattern KUBECONFIG = Pattern.compile("^\\s*export KUBECONFIG=(\\S+)$");
  private static final Pattern KAFKA =
      Pattern.compile("^\\s*export GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS=(\\S+)$");
  private static final Pattern KAFKA_VIEWER =
      Pattern.compile("^\\s*export GADGETFLOW_KAFKA_CLIENT_PROPERTIES=(\\S+)$");
  private static final Pattern DASHBOARD =
      Pattern.compile("^\\s*(http://127\\.0\\.0\\.1:\\d+)/#token=(\\S+)$");
  private static final Pattern NODE = Pattern.compile("local Kubernetes cluster \\(node (\\S+)\\)");

  private final Process process;
  private final Path repository;
  private final Path dataDir;
  private final StringBuffer stderr = new StringBuffer();
  private final List<String> stdout = new ArrayList<>();
  private String nodeName;
  private Path kubeconfig;
  private String kafkaBootstrapServers;
  private Path viewerKafkaProperties;
  private String dashboardUrl;
  private String dashboardToken;
  private KubernetesClient client;
  private KubernetesCluster kubernetes;
  private boolean stopped;
  private Map<String, String> kernelTunablesBefore;

  private GadgetFlowCluster(Process process, Path repository, Path dataDir) {
    this.process = process;
    this.repository = repository;
    this.dataDir = dataDir;
  }

  static GadgetFlowCluster start() {
    Path repository =
        Path.of(System.getProperty("gadgetflow.repository")).toAbsolutePath().normalize();
    Path dataDir = Path.of(System.getProperty("gadgetflow.clusterData")).toAbsolutePath();
    Path imageArchive;
    try {
      imageArchive =
          Path.of(
              Files.readString(Path.of(System.getProperty("gadgetflow.imageArchiveFile"))).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(
          "No image archive named; the build runs k8s/images/build.sh before this tier", e);
    }
    String binaries = System.getenv("GADGETFLOW_CONTROL_PLANE_BIN");
    assertThat(binaries)
        .as(
            "GADGETFLOW_CONTROL_PLANE_BIN names the Kubernetes programs; ./gadgetflow test builds"
                + " them (scripts/lib.sh prepare_cluster)")
        .isNotBlank();
    assertThat(Path.of(binaries, "kubelet"))
        .as("the kubelet, which `k8s/control-plane/build.sh kubelet` builds")
        .isExecutable();
    List<String> command =
        List.of(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            "--enable-native-access=ALL-UNNAMED",
            "--sun-misc-unsafe-memory-access=allow",
            "-jar",
            repository.resolve("cli/target/gadgetflow.jar").toString(),
            "cluster",
            "--images",
            imageArchive.toString(),
            "--kubectl-gadget",
            repository.resolve("kubectl-gadget/target/kubectl-gadget").toString(),
            "--data-dir",
            dataDir.toString(),
            "--kafka-port",
            "0",
            "--dashboard-port",
            "0",
            // Another test run of this machine may have its cluster up: one at a time.
            "--wait-for-other-cluster",
            Long.toString(OTHER_CLUSTER_TIMEOUT.toSeconds()));
    Map<String, String> tunablesBefore = kernelTunablesNow();
    Instant started = Instant.now();
    Process process;
    try {
      process = new ProcessBuilder(CtrlC.interruptible(command)).start();
      process.getOutputStream().close();
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot run " + command, e);
    }
    GadgetFlowCluster cluster = new GadgetFlowCluster(process, repository, dataDir);
    cluster.kernelTunablesBefore = tunablesBefore;
    cluster.followStderr();
    try {
      cluster.awaitReady(started);
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
    Instant ready = Instant.now();
    System.out.printf(
        "gadgetflow cluster: every pod Ready %d s after launch%n",
        Duration.between(started, ready).toSeconds());
    try {
      cluster.awaitFirstGadgetRun();
    } catch (RuntimeException | AssertionError e) {
      cluster.close();
      throw e;
    }
    System.out.printf(
        "gadgetflow cluster: a first gadget ran %d s after every pod was Ready%n",
        Duration.between(ready, Instant.now()).toSeconds());
    return cluster;
  }

  /**
   * Runs {@code kubectl gadget snapshot process} until it succeeds. The first gadget run after a
   * deployment goes through JVMs that load most of their classes then (the controller's reconciler,
   * the agent's libbpf bindings): on this busy shared machine that took longer than the 20 s
   * kubectl gadget waits for a node's first answer, and the run failed with "got no answer". The
   * tests are about what GadgetFlow does, so they begin once a gadget has run once.
   */
  private void awaitFirstGadgetRun() {
    Instant deadline = Instant.now().plus(FIRST_GADGET_RUN_TIMEOUT);
    while (true) {
      try (KubectlGadget snapshot =
          kubectlGadget("snapshot", "process", "-n", "kube-system", "-o", "json")) {
        int exit = snapshot.awaitExit(FIRST_GADGET_RUN_TIMEOUT);
        if (exit == 0) {
          return;
        }
        if (Instant.now().isAfter(deadline)) {
          throw new AssertionError(
              "kubectl gadget snapshot process failed (exit %d) until %s after every pod was Ready; stderr:%n%s"
                  .formatted(exit, FIRST_GADGET_RUN_TIMEOUT, snapshot.stderr()));
        }
      }
    }
  }

  private void followStderr() {
    Thread.ofVirtual()
        .start(
            () -> {
              try (BufferedReader lines =
                  new BufferedReader(
                      new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
                lines.lines().forEach(line -> stderr.append(line).append('\n'));
              } catch (IOException e) {
                // The process ended.
              }
            });
  }

  /** Reads standard output until the ready message has been printed whole. */
  private void awaitReady(Instant started) {
    Instant deadline = started.plus(START_TIMEOUT).plus(OTHER_CLUSTER_TIMEOUT);
    BufferedReader lines =
        new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
    Thread watchdog =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    if (!process.waitFor(
                        Duration.between(Instant.now(), deadline).toMillis(),
                        TimeUnit.MILLISECONDS)) {
                      process.destroy();
                    }
                  } catch (InterruptedException e) {
                    // Ready in time.
                  }
                });
    try {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        stdout.add(line);
        Matcher matcher;
        if ((matcher = NODE.matcher(line)).find()) {
          nodeName = matcher.group(1);
        } else if ((matcher = KUBECONFIG.matcher(line)).matches()) {
          kubeconfig = Path.of(matcher.group(1));
        } else if ((matcher = KAFKA.matcher(line)).matches()) {
          kafkaBootstrapServers = matcher.group(1);
        } else if ((matcher = KAFKA_VIEWER.matcher(line)).matches()) {
          viewerKafkaProperties = Path.of(matcher.group(1));
        } else if ((matcher = DASHBOARD.matcher(line)).matches()) {
          dashboardUrl = matcher.group(1);
          dashboardToken = matcher.group(2);
        } else if (line.contains("Press Ctrl-C")) {
          break;
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      watchdog.interrupt();
    }
    assertThat(kubeconfig)
        .as(
            "gadgetflow cluster printed no kubeconfig before it ended (exit %s); stdout:%n%s%nstderr:%n%s",
            process.isAlive() ? "none yet" : process.exitValue(), String.join("\n", stdout), stderr)
        .isNotNull();
    assertThat(kafkaBootstrapServers).isNotNull();
    assertThat(viewerKafkaProperties).as("the viewer's Kafka client properties").isNotNull();
    assertThat(dashboardUrl).isNotNull();
    // The rest of standard output is not read again; drain it so the process never blocks on it.
    Thread.ofVirtual().start(() -> lines.lines().forEach(line -> {}));
    client =
        new KubernetesClientBuilder()
            .withConfig(Config.fromKubeconfig(kubeconfig.toFile()))
            .build();
    kubernetes = KubernetesCluster.of(kubeconfig, client, dataDir.resolve("kubectl-cache"));
  }

  String nodeName() {
    return nodeName;
  }

  Path kubeconfig() {
    return kubeconfig;
  }

  String kafkaBootstrapServers() {
    return kafkaBootstrapServers;
  }

  /** The client properties file that logs in to the cluster's Kafka as a viewer (printed). */
  Path viewerKafkaProperties() {
    return viewerKafkaProperties;
  }

  /** {@code http://127.0.0.1:<port>}, the relay to the web UI's Service. */
  String dashboardUrl() {
    return dashboardUrl;
  }

  /** The administrator's token that the printed dashboard URL carries. */
  String dashboardToken() {
    return dashboardToken;
  }

  /** The cluster as tests see it: its administrator's client and kubectl. */
  KubernetesCluster kubernetes() {
    return kubernetes;
  }

  KubernetesClient client() {
    return client;
  }

  Path repository() {
    return repository;
  }

  Path dataDir() {
    return dataDir;
  }

  /** The node's containerd, for {@code ctr}. */
  Path containerdSocket() {
    return dataDir.resolve("node/containerd/containerd.sock");
  }

  /** What {@code gadgetflow cluster} wrote on standard error so far. */
  String stderr() {
    return stderr.toString();
  }

  /**
   * A {@code kubectl gadget} run against this cluster and its Kafka, set up as the cluster's
   * printed instructions say ({@code KUBECONFIG}, {@code GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS}, and
   * the viewer's login {@code GADGETFLOW_KAFKA_CLIENT_PROPERTIES}).
   */
  KubectlGadget kubectlGadget(String... arguments) {
    List<String> command = new ArrayList<>();
    command.add(repository.resolve("kubectl-gadget/target/kubectl-gadget").toString());
    command.addAll(List.of(arguments));
    return KubectlGadget.start(
        command,
        Map.of(
            "KUBECONFIG",
            kubeconfig.toString(),
            "GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS",
            kafkaBootstrapServers,
            "GADGETFLOW_KAFKA_CLIENT_PROPERTIES",
            viewerKafkaProperties.toString()));
  }

  /**
   * Stops the cluster as Ctrl-C does (SIGINT) and returns once the process has ended.
   *
   * @return its exit code
   */
  synchronized int stop() {
    if (client != null) {
      client.close();
    }
    stopped = true;
    // Ctrl-C in the terminal the cluster runs in: SIGINT, which the JVM answers as SIGTERM.
    NodeHost.run("kill", "-INT", Long.toString(process.pid()));
    try {
      assertThat(process.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS))
          .as("gadgetflow cluster ended within %s of SIGTERM; stderr:%n%s", STOP_TIMEOUT, stderr)
          .isTrue();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while the cluster stopped", e);
    }
    return process.exitValue();
  }

  boolean stopped() {
    return stopped;
  }

  /** The kernel settings a kubelet changes at its start, as they were before the cluster. */
  Map<String, String> kernelTunablesBefore() {
    return kernelTunablesBefore;
  }

  Map<String, String> kernelTunables() {
    return kernelTunablesNow();
  }

  private static Map<String, String> kernelTunablesNow() {
    Map<String, String> values = new TreeMap<>();
    for (String name :
        List.of(
            "vm/overcommit_memory",
            "vm/panic_on_oom",
            "kernel/panic",
            "kernel/panic_on_oops",
            "kernel/keys/root_maxkeys",
            "kernel/keys/root_maxbytes")) {
      try {
        // One read from the start: procfs answers a sysctl file's reads at offset 0 only, and
        // Files.readString would read it in pieces ("1" for 10).
        try (InputStream in = Files.newInputStream(Path.of("/proc/sys", name))) {
          values.put(name, new String(in.readNBytes(256), StandardCharsets.US_ASCII).strip());
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return values;
  }

  @Override
  public synchronized void close() {
    if (!stopped && process.isAlive()) {
      stop();
    }
  }
}
