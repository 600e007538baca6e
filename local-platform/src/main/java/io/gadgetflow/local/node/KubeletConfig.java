package io.gadgetflow.local.node;

import java.nio.file.Path;

/**
 * The node's kubelet configuration ({@code KubeletConfiguration}): serving on the node's address
 * only, trusting the cluster's authority, pods under their own cgroup root, every folder it writes
 * to below the node's folder, and the settings this kind of machine needs (see each).
 *
 * @param address where the kubelet serves the API server (logs, exec, port forwarding)
 * @param caCertificate the authority whose clients the kubelet trusts
 * @param containerdSocket the CRI endpoint
 * @param cgroupRoot the cgroup every pod goes below
 * @param podLogs where containers' logs go (the kubelet's default is /var/log/pods)
 * @param volumePlugins the FlexVolume plugin folder, which the kubelet creates (its default is
 *     below /usr/libexec)
 */
record KubeletConfig(
    String address,
    Path caCertificate,
    Path containerdSocket,
    String cgroupRoot,
    Path podLogs,
    Path volumePlugins) {

  String yaml() {
    return """
        apiVersion: kubelet.config.k8s.io/v1beta1
        kind: KubeletConfiguration
        address: %1$s
        port: 10250
        readOnlyPort: 0
        healthzBindAddress: 127.0.0.1
        healthzPort: 0
        # The API server is the kubelet's only client; it authenticates with a certificate of the
        # cluster's authority.
        authentication:
          anonymous: {enabled: false}
          webhook: {enabled: false}
          x509: {clientCAFile: "%2$s"}
        authorization:
          mode: AlwaysAllow
        containerRuntimeEndpoint: "unix://%3$s"
        cgroupDriver: cgroupfs
        cgroupRoot: "%4$s"
        # Kubelets of v1.35 and later refuse cgroup v1 unless told otherwise; machines of this
        # project's kind mount the v1 controllers (cgroup2 only at /sys/fs/cgroup/unified).
        failCgroupV1: false
        failSwapOn: false
        # No kube-proxy runs and nothing here needs the kubelet's iptables chains.
        makeIPTablesUtilChains: false
        # The images were imported, not pulled: collecting them would lose them for good.
        imageGCHighThresholdPercent: 100
        imageGCLowThresholdPercent: 99
        # A machine shared with other work may run low on disk for a while; evicting GadgetFlow's
        # pods for that would help nobody.
        evictionHard:
          memory.available: "100Mi"
          nodefs.available: "1%%"
          imagefs.available: "1%%"
        podLogsDir: "%5$s"
        volumePluginDir: "%6$s"
        """
        .formatted(address, caCertificate, containerdSocket, cgroupRoot, podLogs, volumePlugins);
  }
}
