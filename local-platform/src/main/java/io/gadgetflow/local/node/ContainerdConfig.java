package io.gadgetflow.local.node;

import java.nio.file.Path;

/**
 * The configuration of the node's own containerd: every path it writes to below the node's folders
 * (its socket included), so it neither reads nor disturbs a containerd this machine may run with
 * {@code /etc/containerd}, {@code /var/lib/containerd} and {@code /run/containerd}.
 *
 * @param root images and snapshots, kept between runs so images are imported once
 * @param state sockets, running tasks and the pods' network namespaces, for one run
 * @param sandboxImage the image of every pod's sandbox (its "pause" container)
 * @param cniConfigurations the folder with the pods' network configuration
 */
record ContainerdConfig(Path root, Path state, String sandboxImage, Path cniConfigurations) {
  Path socket() {
    return state.resolve("containerd.sock");
  }

  /** runc's state of the running containers; the runc shim's default is under /run/containerd. */
  Path runcRoot() {
    return state.resolve("runc");
  }

  String toml() {
    return """
        version = 2
        root = "%1$s"
        state = "%2$s"
        # Snapshotters this node never uses; they only log that they cannot start.
        disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", \
        "io.containerd.snapshotter.v1.devmapper", "io.containerd.snapshotter.v1.aufs"]

        [grpc]
          address = "%3$s"
        [ttrpc]
          address = "%3$s.ttrpc"
        [debug]
          address = ""
        [metrics]
          address = ""

        [plugins."io.containerd.internal.v1.opt"]
          path = "%1$s/opt"

        [plugins."io.containerd.grpc.v1.cri"]
          sandbox_image = "%4$s"
          # Lowering a process's oom_score_adj needs CAP_SYS_RESOURCE, which some machines refuse
          # even to root; without this every pod sandbox fails to start there.
          restrict_oom_score_adj = true
          # The pods' network namespaces below the state folder, not in /run/netns.
          netns_mounts_under_state_dir = true
          [plugins."io.containerd.grpc.v1.cri".containerd]
            snapshotter = "overlayfs"
            default_runtime_name = "runc"
            [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
              runtime_type = "io.containerd.runc.v2"
              [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
                SystemdCgroup = false
                Root = "%5$s"
          [plugins."io.containerd.grpc.v1.cri".cni]
            bin_dir = "%6$s"
            conf_dir = "%7$s"
        """
        .formatted(
            root,
            state,
            socket(),
            sandboxImage,
            runcRoot(),
            PodNetwork.CNI_PLUGINS,
            cniConfigurations);
  }
}
