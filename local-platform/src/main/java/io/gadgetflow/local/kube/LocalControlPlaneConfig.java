package io.gadgetflow.local.kube;

import io.gadgetflow.local.DataHome;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the local control plane runs.
 *
 * @param binaries the etcd and kube-apiserver programs
 * @param dataDir etcd's data, the certificates and the logs; created when missing, reused when not,
 *     so objects and credentials survive a restart
 * @param kubeconfig where to write the kubeconfig of the cluster's administrator
 * @param apiServerPort the loopback port of the API server; 0 picks a free one
 * @param startTimeout how long starting may take until the Trace CRD is established
 * @param stopTimeout how long each program may take to stop after being asked before it is killed
 * @param workerNode the node whose kubelet joins this control plane, or null for an API server
 *     alone (objects are stored and served, but no pod ever runs)
 * @param clusterBinaries kube-controller-manager and kube-scheduler, which run with a worker node;
 *     null without one
 */
public record LocalControlPlaneConfig(
    ControlPlaneBinaries binaries,
    Path dataDir,
    Path kubeconfig,
    int apiServerPort,
    Duration startTimeout,
    Duration stopTimeout,
    WorkerNode workerNode,
    ClusterBinaries clusterBinaries) {

  /** kube-apiserver's usual secure port. */
  public static final int DEFAULT_API_SERVER_PORT = 6443;

  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(60);

  /** kube-apiserver drains its requests and watches on SIGTERM; a few seconds are plenty here. */
  public static final Duration DEFAULT_STOP_TIMEOUT = Duration.ofSeconds(10);

  public LocalControlPlaneConfig {
    Objects.requireNonNull(binaries, "binaries");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(kubeconfig, "kubeconfig");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(stopTimeout, "stopTimeout");
    if (apiServerPort < 0 || apiServerPort > 65535) {
      throw new IllegalArgumentException(
          "apiServerPort must be 0 (any free port) to 65535, was " + apiServerPort);
    }
    requirePositive(startTimeout, "startTimeout");
    requirePositive(stopTimeout, "stopTimeout");
    if ((workerNode == null) != (clusterBinaries == null)) {
      throw new IllegalArgumentException(
          "a worker node and the cluster's programs go together, got "
              + workerNode
              + " and "
              + clusterBinaries);
    }
    dataDir = dataDir.toAbsolutePath();
    kubeconfig = kubeconfig.toAbsolutePath();
  }

  /**
   * What {@code gadgetflow up} uses: the programs named by {@value
   * ControlPlaneBinaries#ENVIRONMENT_VARIABLE}, data under the user's XDG data directory, the usual
   * API server port.
   *
   * @throws ControlPlaneStartException when the programs cannot be found
   */
  public static LocalControlPlaneConfig defaults() {
    return inDirectory(ControlPlaneBinaries.fromEnvironment(), DataHome.current().resolve("kube"));
  }

  /** Data in {@code dataDir}, the kubeconfig beside it, otherwise the defaults. */
  public static LocalControlPlaneConfig inDirectory(ControlPlaneBinaries binaries, Path dataDir) {
    return new LocalControlPlaneConfig(
        binaries,
        dataDir,
        dataDir.resolve("kubeconfig"),
        DEFAULT_API_SERVER_PORT,
        DEFAULT_START_TIMEOUT,
        DEFAULT_STOP_TIMEOUT,
        null,
        null);
  }

  public LocalControlPlaneConfig withKubeconfig(Path kubeconfig) {
    return new LocalControlPlaneConfig(
        binaries,
        dataDir,
        kubeconfig,
        apiServerPort,
        startTimeout,
        stopTimeout,
        workerNode,
        clusterBinaries);
  }

  public LocalControlPlaneConfig withApiServerPort(int apiServerPort) {
    return new LocalControlPlaneConfig(
        binaries,
        dataDir,
        kubeconfig,
        apiServerPort,
        startTimeout,
        stopTimeout,
        workerNode,
        clusterBinaries);
  }

  public LocalControlPlaneConfig withStartTimeout(Duration startTimeout) {
    return new LocalControlPlaneConfig(
        binaries,
        dataDir,
        kubeconfig,
        apiServerPort,
        startTimeout,
        stopTimeout,
        workerNode,
        clusterBinaries);
  }

  /**
   * A control plane that {@code node} joins: the API server listens on the node's address at
   * {@value WorkerNode#API_SERVER_PORT} (the {@code apiServerPort} is not used), and {@code
   * binaries}' kube-controller-manager and kube-scheduler run beside it.
   */
  public LocalControlPlaneConfig withWorkerNode(WorkerNode node, ClusterBinaries binaries) {
    return new LocalControlPlaneConfig(
        this.binaries,
        dataDir,
        kubeconfig,
        apiServerPort,
        startTimeout,
        stopTimeout,
        node,
        binaries);
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + duration);
    }
  }
}
