package io.gadgetflow.local.kube;

import io.gadgetflow.local.LoopbackPorts;
import java.nio.file.Path;
import java.util.List;

/**
 * The command lines of etcd and kube-apiserver. Both listen on the loopback interface only, and
 * etcd serves only TLS clients with a certificate of the cluster's authority, on its client port
 * and its peer port alike: any local user who reached it otherwise would own the cluster, and
 * through it the root node agent. Only the API server (and the owner, who holds the authority's
 * files in the owner-only data directory) has such a certificate.
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

  static List<String> kubeApiServer(
      Path program, ClusterCertificates certificates, int etcdClientPort, int securePort) {
    return List.of(
        program.toString(),
        "--bind-address=" + LoopbackPorts.HOST,
        "--advertise-address=" + LoopbackPorts.HOST,
        "--secure-port=" + securePort,
        "--etcd-servers=" + httpsUrl(etcdClientPort),
        "--etcd-cafile=" + certificates.caCertificate(),
        "--etcd-certfile=" + certificates.apiServerEtcdClientCertificate(),
        "--etcd-keyfile=" + certificates.apiServerEtcdClientKey(),
        tlsCertificateArgument(certificates),
        "--tls-private-key-file=" + certificates.apiServerKey(),
        "--client-ca-file=" + certificates.caCertificate(),
        "--authorization-mode=RBAC",
        "--service-account-issuer=" + SERVICE_ACCOUNT_ISSUER,
        "--service-account-key-file=" + certificates.serviceAccountPublicKey(),
        "--service-account-signing-key-file=" + certificates.serviceAccountKey(),
        "--service-cluster-ip-range=" + SERVICE_CLUSTER_IP_RANGE,
        // Publishing its own address as the kubernetes service's endpoint would put a loopback
        // address into the cluster's view; there is no cluster network to reach it through anyway.
        "--endpoint-reconciler-type=none",
        // No controller manager runs, so no namespace ever gets its "default" service account;
        // with this admission plugin every pod would be refused for lacking one.
        "--disable-admission-plugins=ServiceAccount",
        // The node agent's DaemonSet runs privileged pods to load eBPF programs.
        "--allow-privileged=true");
  }

  /** The argument that tells a kube-apiserver of this data directory from any other program. */
  static String tlsCertificateArgument(ClusterCertificates certificates) {
    return "--tls-cert-file=" + certificates.apiServerCertificate();
  }

  private static String httpsUrl(int port) {
    return "https://" + LoopbackPorts.HOST + ":" + port;
  }
}
