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
 */
public record LocalControlPlaneConfig(
    ControlPlaneBinaries binaries,
    Path dataDir,
    Path kubeconfig,
    int apiServerPort,
    Duration startTimeout,
    Duration stopTimeout) {

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
        DEFAULT_STOP_TIMEOUT);
  }

  public LocalControlPlaneConfig withKubeconfig(Path kubeconfig) {
    return new LocalControlPlaneConfig(
        binaries, dataDir, kubeconfig, apiServerPort, startTimeout, stopTimeout);
  }

  public LocalControlPlaneConfig withApiServerPort(int apiServerPort) {
    return new LocalControlPlaneConfig(
        binaries, dataDir, kubeconfig, apiServerPort, startTimeout, stopTimeout);
  }

  public LocalControlPlaneConfig withStartTimeout(Duration startTimeout) {
    return new LocalControlPlaneConfig(
        binaries, dataDir, kubeconfig, apiServerPort, startTimeout, stopTimeout);
  }

  private static void requirePositive(Duration duration, String name) {
    if (duration.isNegative() || duration.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + duration);
    }
  }
}
