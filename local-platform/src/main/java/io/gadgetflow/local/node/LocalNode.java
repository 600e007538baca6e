package io.gadgetflow.local.node;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.local.DataDirectories;
import io.gadgetflow.local.kube.ServerProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local cluster's one node, as a kubelet on this machine: a bridge for its pods, its own
 * containerd with GadgetFlow's images imported, and the kubelet, all with their state below the
 * node's folder. It starts in two steps: {@link #prepare} starts containerd (on a network {@link
 * PodNetwork#create created} before, since the API server and Kafka listen on the node's address
 * too), then {@link #join} starts the kubelet once the control plane is up.
 *
 * <p>Closing stops the kubelet, stops and deletes every container, stops containerd, unmounts what
 * they left mounted, removes the pods' cgroups and puts back the kernel settings the kubelet
 * changed; the network is the creator's to remove. A start does the same first to whatever an
 * earlier run, killed before it could clean up, left behind.
 */
public final class LocalNode implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LocalNode.class);
  private static final Path CNI_RESULTS = Path.of("/var/lib/cni/results");

  /** The kubelet links every container's log here, a folder its configuration cannot move. */
  private static final Path CONTAINER_LOG_LINKS = Path.of("/var/log/containers");

  private static final String CGROUP_ROOT = "gadgetflow";

  /** Where the node agent's DaemonSet mounts tracefs from (k8s/install/07-node.yaml). */
  private static final Path TRACEFS = Path.of("/sys/kernel/tracing");

  private static final Duration READINESS_RECHECK_PAUSE = Duration.ofMillis(250);

  private final LocalNodeConfig config;
  private final CgroupRoot cgroupRoot = new CgroupRoot(CGROUP_ROOT);
  private final KernelTunables tunables = KernelTunables.read();
  private Containerd containerd;
  private ServerProcess kubelet;
  private boolean closed;

  private LocalNode(LocalNodeConfig config) {
    this.config = config;
  }

  /**
   * Starts containerd, clears away what an earlier run left, and imports the images. The network
   * must exist.
   *
   * @throws NodeStartException when a program of the machine is missing or a step fails; what was
   *     started is stopped again
   */
  public static LocalNode prepare(LocalNodeConfig config) {
    NodePrograms.requirePresent();
    LocalNode node = new LocalNode(config);
    try {
      node.prepareRuntime();
      return node;
    } catch (RuntimeException e) {
      try {
        node.close();
      } catch (RuntimeException closeFailure) {
        e.addSuppressed(closeFailure);
      }
      throw e;
    }
  }

  /**
   * Starts the kubelet with {@code kubeconfig} and returns once the API server lists the node as
   * Ready.
   *
   * @param client a client of the cluster, to watch the node become Ready
   * @throws NodeStartException when the kubelet or containerd exits, or the node is not Ready in
   *     time
   */
  public synchronized void join(Path kubeconfig, Path caCertificate, KubernetesClient client) {
    requireNotClosed();
    long deadline = System.nanoTime() + config.startTimeout().toNanos();
    mountTracefs();
    cgroupRoot.create();
    Path configFile = config.dataDir().resolve("kubelet-config.yaml");
    KubeletConfig kubeletConfig =
        new KubeletConfig(
            config.node().address(),
            caCertificate,
            containerd.socket(),
            cgroupRoot.path(),
            config.podLogs(),
            config.kubeletRoot().resolve("volume-plugins"));
    try {
      Files.writeString(configFile, kubeletConfig.yaml());
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + configFile, e);
    }
    kubelet =
        ServerProcess.start(
            "kubelet",
            List.of(
                config.binaries().kubelet().toString(),
                "--config=" + configFile,
                "--kubeconfig=" + kubeconfig,
                "--root-dir=" + config.kubeletRoot(),
                "--hostname-override=" + config.node().name(),
                "--node-ip=" + config.node().address()),
            config.logs().resolve("kubelet.log"));
    tunables.restoreOnceTheKubeletSetsThem(config.startTimeout());
    awaitReady(client, deadline);
  }

  /**
   * Mounts tracefs where systemd mounts it at boot, unless it is there: the node agent's pod gets
   * it from this host path and may not mount it itself (no CAP_SYS_ADMIN). It stays mounted when
   * the node stops, as on any machine where tracing tools expect it.
   */
  private static void mountTracefs() {
    if (Files.isDirectory(TRACEFS.resolve("events"))) {
      return;
    }
    HostCommand.run(List.of("mount", "-t", "tracefs", "tracefs", TRACEFS.toString()));
  }

  /**
   * @throws io.gadgetflow.local.kube.ControlPlaneStartException naming the program and the end of
   *     its log when containerd or the kubelet has exited
   */
  public void requireRunning() {
    containerd.requireRunning();
    if (kubelet != null) {
      kubelet.requireRunning();
    }
  }

  /** Where containerd's CRI listens, for {@code ctr} and {@code crictl}. */
  public Path containerdSocket() {
    return containerd.socket();
  }

  /**
   * Stops and removes everything the node started; every step runs even when an earlier one failed,
   * so one failure leaves as little behind as possible.
   *
   * @throws NodeStartException with the first failure (the others suppressed)
   */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    List<RuntimeException> failures = new ArrayList<>();
    if (kubelet != null) {
      attempt(failures, () -> kubelet.stop(Duration.ofSeconds(10)));
    }
    if (containerd != null) {
      attempt(failures, this::clearAway);
      attempt(failures, containerd::close);
    }
    attempt(failures, () -> Mounts.unmountBelow(config.dataDir()));
    attempt(failures, cgroupRoot::remove);
    attempt(failures, tunables::restore);
    LOG.info("Node {} stopped", config.node().name());
    if (!failures.isEmpty()) {
      NodeStartException failure =
          new NodeStartException(
              "Stopping node "
                  + config.node().name()
                  + " failed: "
                  + failures.getFirst().getMessage(),
              failures.getFirst());
      failures.stream().skip(1).forEach(failure::addSuppressed);
      throw failure;
    }
  }

  private static void attempt(List<RuntimeException> failures, Runnable step) {
    try {
      step.run();
    } catch (RuntimeException e) {
      LOG.warn("While stopping the node: {}", e.getMessage());
      failures.add(e);
    }
  }

  private void prepareRuntime() {
    Path cniConfiguration = config.cniConfigurations().resolve("10-gadgetflow.conflist");
    ContainerdConfig containerdConfig =
        new ContainerdConfig(
            config.imageStore(),
            config.containerdState(),
            config.sandboxImage(),
            config.cniConfigurations());
    try {
      Files.createDirectories(config.cniConfigurations());
      Files.createDirectories(config.logs());
      Files.writeString(
          cniConfiguration,
          config.network().cniConfiguration(config.node().address(), config.podAddresses()));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write " + cniConfiguration, e);
    }
    // On the state of an earlier run, if any: containerd then knows the containers it left running.
    synchronized (this) {
      requireNotClosed();
      containerd =
          Containerd.start(
              containerdConfig,
              config.dataDir().resolve("containerd.toml"),
              config.logs().resolve("containerd.log"),
              config.startTimeout());
    }
    clearAway();
    Mounts.unmountBelow(config.kubeletRoot());
    cgroupRoot.remove();
    deleteTree(config.kubeletRoot());
    deleteTree(config.podLogs());
    deleteTree(config.podAddresses());
    containerd.importImages(config.imageArchive());
  }

  /**
   * Stops and deletes every container and sandbox, and what the kubelet and libcni keep about them
   * outside the node's folder, which a sandbox torn down by the CRI would have removed itself.
   */
  private void clearAway() {
    List<String> containers = containerd.removeAllContainers(config.stopGracePeriod());
    deleteCniResultsOf(containers);
    deleteContainerLogLinks();
    Mounts.unmountBelow(config.containerdState());
  }

  /** libcni caches each sandbox's results as {@code <network>-<sandbox id>-<interface>}. */
  private static void deleteCniResultsOf(List<String> containers) {
    if (containers.isEmpty() || !Files.isDirectory(CNI_RESULTS)) {
      return;
    }
    try (DirectoryStream<Path> results = Files.newDirectoryStream(CNI_RESULTS)) {
      for (Path result : results) {
        String name = result.getFileName().toString();
        if (containers.stream().anyMatch(id -> name.contains("-" + id + "-"))) {
          Files.deleteIfExists(result);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clear " + CNI_RESULTS, e);
    }
  }

  /** Links the kubelet made to this node's container logs (it removes them only with the pods). */
  private void deleteContainerLogLinks() {
    if (!Files.isDirectory(CONTAINER_LOG_LINKS)) {
      return;
    }
    try (DirectoryStream<Path> links = Files.newDirectoryStream(CONTAINER_LOG_LINKS)) {
      for (Path link : links) {
        if (Files.isSymbolicLink(link)
            && Files.readSymbolicLink(link).startsWith(config.podLogs())) {
          Files.deleteIfExists(link);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot clear " + CONTAINER_LOG_LINKS, e);
    }
  }

  /**
   * Deletes a folder of a finished run, refusing while anything is mounted below it: deleting
   * through a mount would delete the mounted files (a pod's host path, say).
   */
  private static void deleteTree(Path directory) {
    if (!Files.exists(directory)) {
      return;
    }
    List<Path> mounted = Mounts.below(directory);
    if (!mounted.isEmpty()) {
      throw new NodeStartException(
          "Cannot clear " + directory + ": still mounted below it: " + mounted);
    }
    DataDirectories.delete(directory);
  }

  private void awaitReady(KubernetesClient client, long deadline) {
    while (true) {
      requireRunning();
      if (isReady(client)) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new NodeStartException(
            "Node "
                + config.node().name()
                + " was not Ready within "
                + config.startTimeout()
                + "; see "
                + config.logs().resolve("kubelet.log"));
      }
      try {
        Thread.sleep(READINESS_RECHECK_PAUSE);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new NodeStartException("Interrupted while the node started", e);
      }
    }
  }

  private boolean isReady(KubernetesClient client) {
    Node node;
    try {
      node = client.nodes().withName(config.node().name()).get();
    } catch (KubernetesClientException e) {
      return false;
    }
    return node != null
        && node.getStatus() != null
        && node.getStatus().getConditions() != null
        && node.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  private void requireNotClosed() {
    if (closed) {
      throw new NodeStartException("The node was stopped while starting");
    }
  }
}
