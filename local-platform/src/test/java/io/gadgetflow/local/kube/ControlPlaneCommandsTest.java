package io.gadgetflow.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ControlPlaneCommandsTest {
  @TempDir Path dataDir;

  @Test
  void etcdListensOnLoopbackOnlyAndServesOnlyClientsWithACertificate() {
    ClusterCertificates certificates = ClusterCertificates.loadOrCreate(dataDir.resolve("pki"));
    List<String> command =
        ControlPlaneCommands.etcd(
            Path.of("/opt/etcd"), dataDir.resolve("etcd"), certificates, 2379, 2380);

    assertThat(command.getFirst()).isEqualTo("/opt/etcd");
    assertThat(command)
        .contains(
            "--data-dir=" + dataDir.resolve("etcd"),
            "--listen-client-urls=https://127.0.0.1:2379",
            "--advertise-client-urls=https://127.0.0.1:2379",
            "--client-cert-auth=true",
            "--trusted-ca-file=" + certificates.caCertificate(),
            "--listen-peer-urls=https://127.0.0.1:2380",
            "--initial-advertise-peer-urls=https://127.0.0.1:2380",
            "--initial-cluster=gadgetflow=https://127.0.0.1:2380",
            "--peer-client-cert-auth=true");
  }

  @Test
  void theApiServerListensOnLoopbackAndTrustsTheClusterAuthority() {
    ClusterCertificates certificates = ClusterCertificates.loadOrCreate(dataDir.resolve("pki"));

    List<String> command =
        ControlPlaneCommands.kubeApiServer(
            Path.of("/opt/kube-apiserver"), certificates, 2379, 6443, null);

    assertThat(command.getFirst()).isEqualTo("/opt/kube-apiserver");
    assertThat(command)
        .contains(
            "--bind-address=127.0.0.1",
            "--advertise-address=127.0.0.1",
            "--secure-port=6443",
            "--etcd-servers=https://127.0.0.1:2379",
            "--etcd-certfile=" + certificates.apiServerEtcdClientCertificate(),
            "--tls-cert-file=" + certificates.apiServerCertificate(),
            "--tls-private-key-file=" + certificates.apiServerKey(),
            "--client-ca-file=" + certificates.caCertificate(),
            "--authorization-mode=RBAC",
            "--service-account-key-file=" + certificates.serviceAccountPublicKey(),
            "--service-account-signing-key-file=" + certificates.serviceAccountKey(),
            "--disable-admission-plugins=ServiceAccount");
  }

  @Test
  void withAWorkerNodeTheApiServerListensWherePodsLookForItAndAuthorisesTheKubelet() {
    WorkerNode node = new WorkerNode("node-1", "198.18.0.1", "198.18.0.0/24");
    ClusterCertificates certificates =
        ClusterCertificates.loadOrCreate(dataDir.resolve("pki"), node);

    List<String> command =
        ControlPlaneCommands.kubeApiServer(
            Path.of("/opt/kube-apiserver"), certificates, 2379, 443, node);

    assertThat(command)
        .contains(
            "--bind-address=198.18.0.1",
            "--advertise-address=198.18.0.1",
            "--secure-port=443",
            "--service-cluster-ip-range=198.18.0.0/24",
            "--authorization-mode=Node,RBAC",
            "--enable-admission-plugins=NodeRestriction",
            "--kubelet-preferred-address-types=InternalIP")
        .noneMatch(argument -> argument.startsWith("--disable-admission-plugins"))
        .noneMatch(argument -> argument.startsWith("--endpoint-reconciler-type"));
  }

  @Test
  void theControllerManagerAndSchedulerServeNothingAndSignServiceAccountTokens() {
    ClusterCertificates certificates =
        ClusterCertificates.loadOrCreate(
            dataDir.resolve("pki"), new WorkerNode("node-1", "198.18.0.1", "198.18.0.0/24"));
    Path kubeconfig = dataDir.resolve("kubeconfig");

    assertThat(
            ControlPlaneCommands.kubeControllerManager(
                Path.of("/opt/kube-controller-manager"), kubeconfig, certificates))
        .contains(
            "--kubeconfig=" + kubeconfig,
            "--secure-port=0",
            "--service-account-private-key-file=" + certificates.serviceAccountKey(),
            "--root-ca-file=" + certificates.caCertificate());
    assertThat(ControlPlaneCommands.kubeScheduler(Path.of("/opt/kube-scheduler"), kubeconfig))
        .contains("--kubeconfig=" + kubeconfig, "--secure-port=0");
  }
}
