package io.gadgetflow.local.kube;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterCertificatesTest {
  private static final String SERVER_AUTH = "1.3.6.1.5.5.7.3.1";
  private static final String CLIENT_AUTH = "1.3.6.1.5.5.7.3.2";
  private static final int DNS_NAME = 2;
  private static final int IP_ADDRESS = 7;

  @TempDir Path directory;

  @Test
  void theApiServerCertificateIsIssuedByTheAuthorityForItsLoopbackAndServiceAddresses()
      throws Exception {
    ClusterCertificates certificates = ClusterCertificates.loadOrCreate(directory);
    X509Certificate ca = certificate(certificates.caCertificate());
    X509Certificate apiServer = certificate(certificates.apiServerCertificate());

    assertThat(ca.getBasicConstraints()).isNotNegative();
    assertThatCode(() -> apiServer.verify(ca.getPublicKey())).doesNotThrowAnyException();
    assertThat(apiServer.getExtendedKeyUsage()).containsExactly(SERVER_AUTH);
    assertThat(apiServer.getSubjectAlternativeNames())
        .contains(
            List.of(IP_ADDRESS, "127.0.0.1"),
            List.of(DNS_NAME, "localhost"),
            List.of(IP_ADDRESS, "10.0.0.1"),
            List.of(DNS_NAME, "kubernetes.default.svc"));
  }

  @Test
  void theAdministratorIsInTheGroupRbacLetsDoAnything() throws Exception {
    ClusterCertificates certificates = ClusterCertificates.loadOrCreate(directory);
    X509Certificate ca = certificate(certificates.caCertificate());
    X509Certificate admin = certificate(certificates.adminCertificate());

    assertThatCode(() -> admin.verify(ca.getPublicKey())).doesNotThrowAnyException();
    assertThat(admin.getSubjectX500Principal().getName())
        .isEqualTo("CN=gadgetflow-admin,O=system:masters");
    assertThat(admin.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
  }

  @Test
  void aWorkerNodesComponentsGetTheIdentitiesKubernetesAuthorisesThemAs() throws Exception {
    ClusterCertificates certificates =
        ClusterCertificates.loadOrCreate(
            directory, new WorkerNode("node-1", "198.18.0.1", "198.18.0.0/24"));
    X509Certificate ca = certificate(certificates.caCertificate());

    assertThat(certificate(certificates.apiServerCertificate()).getSubjectAlternativeNames())
        .contains(List.of(IP_ADDRESS, "198.18.0.1"));
    X509Certificate kubelet = certificate(certificates.kubeletCertificate());
    assertThatCode(() -> kubelet.verify(ca.getPublicKey())).doesNotThrowAnyException();
    assertThat(kubelet.getSubjectX500Principal().getName())
        .isEqualTo("CN=system:node:node-1,O=system:nodes");
    assertThat(kubelet.getExtendedKeyUsage()).containsExactly(CLIENT_AUTH);
    assertThat(certificate(certificates.schedulerCertificate()).getSubjectX500Principal().getName())
        .isEqualTo("CN=system:kube-scheduler");
    assertThat(
            certificate(certificates.controllerManagerCertificate())
                .getSubjectX500Principal()
                .getName())
        .isEqualTo("CN=system:kube-controller-manager");
  }

  @Test
  void keysAreTheOwnersAlone() throws IOException {
    ClusterCertificates certificates = ClusterCertificates.loadOrCreate(directory);

    for (Path key :
        List.of(
            certificates.apiServerKey(),
            certificates.adminKey(),
            certificates.serviceAccountKey())) {
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
          .isEqualTo("rw-------");
      assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
    }
  }

  @Test
  void aSecondLoadReusesWhatTheFirstMade() throws IOException {
    ClusterCertificates first = ClusterCertificates.loadOrCreate(directory);
    String ca = Files.readString(first.caCertificate());
    String adminKey = Files.readString(first.adminKey());

    ClusterCertificates second = ClusterCertificates.loadOrCreate(directory);

    assertThat(Files.readString(second.caCertificate())).isEqualTo(ca);
    assertThat(Files.readString(second.adminKey())).isEqualTo(adminKey);
  }

  @Test
  void anIncompleteSetIsMadeAnew() throws IOException {
    ClusterCertificates first = ClusterCertificates.loadOrCreate(directory);
    String ca = Files.readString(first.caCertificate());
    List<Path> complete = files();
    Files.delete(first.serviceAccountKey());

    ClusterCertificates second = ClusterCertificates.loadOrCreate(directory);

    assertThat(Files.readString(second.caCertificate())).isNotEqualTo(ca);
    assertThat(files()).containsExactlyInAnyOrderElementsOf(complete);
  }

  private List<Path> files() throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files.toList();
    }
  }

  private static X509Certificate certificate(Path pem) throws Exception {
    try (InputStream in = Files.newInputStream(pem)) {
      return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
    }
  }
}
