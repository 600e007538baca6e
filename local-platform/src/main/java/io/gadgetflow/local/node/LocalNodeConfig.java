package io.gadgetflow.local.node;

import io.gadgetflow.local.kube.ClusterBinaries;
import io.gadgetflow.local.kube.WorkerNode;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * How the local cluster's node runs.
 *
 * @param node its name and address, as the control plane knows them
 * @param network the pods' network
 * @param binaries the kubelet (and the control plane's other programs)
 * @param dataDir containerd's state, the kubelet's folder, the pods' logs and network addresses,
 *     and the logs of containerd and the kubelet; cleared at every start
 * @param imageStore containerd's images and snapshots, kept between runs (a cache)
 * @param imageArchive the OCI archive of {@code k8s/images/build.sh}, imported into containerd
 * @param sandboxImage the archive's image for pod sandboxes
 * @param startTimeout how long containerd and then the kubelet may take until the node is Ready
 * @param stopGracePeriod how long containers have to stop after SIGTERM before they are killed
 */
public record LocalNodeConfig(
    WorkerNode node,
    PodNetwork network,
    ClusterBinaries binaries,
    Path dataDir,
    Path imageStore,
    Path imageArchive,
    String sandboxImage,
    Duration startTimeout,
    Duration stopGracePeriod) {

  /** The name of the pause image {@code k8s/images/build.sh} builds from Debian's catatonit. */
  public static final String SANDBOX_IMAGE = "docker.io/gadgetflow/pause:catatonit";

  public static final Duration DEFAULT_START_TIMEOUT = Duration.ofSeconds(120);
  public static final Duration DEFAULT_STOP_GRACE_PERIOD = Duration.ofSeconds(10);

  public LocalNodeConfig {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(network, "network");
    Objects.requireNonNull(binaries, "binaries");
    Objects.requireNonNull(imageArchive, "imageArchive");
    Objects.requireNonNull(sandboxImage, "sandboxImage");
    Objects.requireNonNull(startTimeout, "startTimeout");
    Objects.requireNonNull(stopGracePeriod, "stopGracePeriod");
    dataDir = dataDir.toAbsolutePath();
    imageStore = imageStore.toAbsolutePath();
  }

  Path containerdState() {
    return dataDir.resolve("containerd");
  }

  Path kubeletRoot() {
    return dataDir.resolve("kubelet");
  }

  Path podLogs() {
    return dataDir.resolve("pod-logs");
  }

  Path cniConfigurations() {
    return dataDir.resolve("cni/net.d");
  }

  Path podAddresses() {
    return dataDir.resolve("cni/addresses");
  }

  Path logs() {
    return dataDir.resolve("logs");
  }
}
