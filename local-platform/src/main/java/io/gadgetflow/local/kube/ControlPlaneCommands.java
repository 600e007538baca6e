package io.gadgetflow.local.kube;

import io.gadgetflow.local.LoopbackPorts;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command lines of the control plane's programs. etcd and, without a worker node,
 * kube-apiserver listen on the loopback interface only, as do kube-controller-manager and
 * kube-scheduler, which serve nothing. etcd serves only TLS clients with a certificate of the
 * cluster's authority, on its client port and its peer port alike: any local user who reached it
 * otherwise would own the cluster, and through it the root node agent. Only the API server (and the
 * owner, who holds the authority's files in the owner-only data directory) has such a certificate.
 */
final class ControlPlaneCommands {
  /** kube-apiserver takes the first address of this range for the {@code kubernetes} service. */
  private static final String SERVICE_CLUSTER_IP_RANGE = "10.0.0.0/24";

  /**
   * Fixed rather than derived from the port, which may change between starts: tokens name their
   * issuer, and a changed issuer would invalidate every service account token issued before.
   */
  private static final String SERVICE_ACCOUNT_ISSUER =
      "https://kubernetes.default.svc.cluster.local";

  private static final String ETCD_MEMBER = "gadgetflow";

  private ControlPlaneCommands() {}

  /** A single-member etcd cluster; its peer port is required by etcd though nothing connects. */
  static List<String> etcd(
      Path program, Path dataDir, ClusterCertificates certificates, int clientPort, int peerPort) {
    String clientUrl = httpsUrl(clientPort);
    String peerUrl = httpsUrl(peerPort);
    return List.of(
        program.toString(),
        "--name=" + ETCD_MEMBER,
        dataDirArgument(dataDir),
        "--listen-client-urls=" + clientUrl,
        "--advertise-client-urls=" + clientUrl,
        "--cert-file=" + certificates.etcdCertificate(),
        "--key-file=" + certificates.etcdKey(),
        "--client-cert-auth=true",
        "--trusted-ca-file=" + certificates.caCertificate(),
        "--listen-peer-urls=" + peerUrl,
        "--initial-advertise-peer-urls=" + peerUrl,
        "--initial-cluster=" + ETCD_MEMBER + "=" + peerUrl,
        "--peer-cert-file=" + certificates.etcdCertificate(),
        "--peer-key-file=" + certificates.etcdKey(),
        "--peer-client-cert-auth=true",
        "--peer-trusted-ca-file=" + certificates.caCertificate());
  }

  /** The argument that tells an etcd of this data directory from any other program. */
  static String dataDirArgument(Path dataDir) {
    return "--data-dir=" + dataDir;
  }

  /**
   * kube-apiserver alone, on the loopback address ({@code node} null), or for a cluster that {@code
   * node} joins: on the node's address, with the node's service range, admitting service accounts,
   * authorising the kubelet as a node, and reaching the kubelet at the node's address.
   */
  static List<String> kubeApiServer(
      Path program,
      ClusterCertificates certificates,
      int etcdClientPort,
      int securePort,
      WorkerNode node) {
    String address = node == null ? LoopbackPorts.HOST : node.address();
    List<String> command =
        new ArrayList<>(
            List.of(
                program.toString(),
                "--bind-address=" + address,
                "--advertise-address=" + address,
                "--secure-port=" + securePort,
                "--etcd-servers=" + httpsUrl(etcdClientPort),
                "--etcd-cafile=" + certificates.caCertificate(),
                "--etcd-certfile=" + certificates.apiServerEtcdClientCertificate(),
                "--etcd-keyfile=" + certificates.apiServerEtcdClientKey(),
                tlsCertificateArgument(certificates),
                "--tls-private-key-file=" + certificates.apiServerKey(),
                "--client-ca-file=" + certificates.caCertificate(),
                "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
                "--service-account-key-file=" + certificates.serviceAccountPublicKey(),
                "--service-account-signing-key-file=" + certificates.serviceAccountKey(),
                // The node agent's DaemonSet runs privileged pods to load eBPF programs.
                "--allow-privileged=true"));
    if (node == null) {
      command.addAll(
          List.of(
              "--authorization-mode=RBAC",
              "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
              // Publishing its own address as the kubernetes service's endpoint would put a
              // loopback address into the cluster's view; there is no cluster network to reach it
              // through anyway.
              "--endpoint-reconciler-type=none",
              // No controller manager runs, so no namespace ever gets its "default" service
              // account; with this admission plugin every pod would be refused for lacking one.
              "--disable-admission-plugins=ServiceAccount"));
    } else {
      command.addAll(
          List.of(
              "--authorization-mode=Node,RBAC",
              "--enable-admission-plugins=NodeRestriction",
              "--service-cluster-ip-range=" + node.serviceIpRange(),
              // Logs, exec and port forwarding go through the kubelet, which trusts this
              // authority's clients; the administrator's certificate is one.
              "--kubelet-client-certificate=" + certificates.adminCertificate(),
              "--kubelet-client-key=" + certificates.adminKey(),
              // The node's host name may resolve to a loopback address; its InternalIP is the
              // address the kubelet listens on.
              "--kubelet-preferred-address-types=InternalIP"));
    }
    return List.copyOf(command);
  }

  /**
   * kube-controller-manager with every default controller (service accounts and their tokens,
   * Deployments, DaemonSets, garbage collection, ...), serving nothing itself.
   */
  static List<String> kubeControllerManager(
      Path program, Path kubeconfig, ClusterCertificates certificates) {
    return List.of(
        program.toString(),
        kubeconfigArgument(kubeconfig),
        "--bind-address=" + LoopbackPorts.HOST,
        "--secure-port=0",
        "--service-account-private-key-file=" + certificates.serviceAccountKey(),
        "--root-ca-file=" + certificates.caCertificate(),
        "--use-service-account-credentials=true",
        // One replica: no election to wait for at start.
        "--leader-elect=false");
  }

  static List<String> kubeScheduler(Path program, Path kubeconfig) {
    return List.of(
        program.toString(),
        kubeconfigArgument(kubeconfig),
        "--bind-address=" + LoopbackPorts.HOST,
        "--secure-port=0",
        "--leader-elect=false");
  }

  /** The argument that tells a program running with this kubeconfig from any other program. */
  static String kubeconfigArgument(Path kubeconfig) {
    return "--kubeconfig=" + kubeconfig;
  }

  /** The argument that tells a kube-apiserver of this data directory from any other program. */
  static String tlsCertificateArgument(ClusterCertificates certificates) {
    return "--tls-cert-file=" + certificates.apiServerCertificate();
  }

  private static String httpsUrl(int port) {
    return "https://" + LoopbackPorts.HOST + ":" + port;
  }
}
