package io.gadgetflow.local.kube;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigTest {
  @TempDir Path directory;

  @Test
  void clientsReadTheServerAndTheEmbeddedCredentials() throws IOException {
    ClusterCertificates certificates = ClusterCertificates.loadOrCreate(directory.resolve("pki"));
    Path file = directory.resolve("home/.kube/gadgetflow");

    Kubeconfig.write(file, Kubeconfig.yaml("https://127.0.0.1:6443", certificates));

    Config config = Config.fromKubeconfig(file.toFile());
    assertThat(config.getMasterUrl()).isEqualTo("https://127.0.0.1:6443/");
    assertThat(config.getCurrentContext().getName()).isEqualTo("gadgetflow-local");
    assertThat(decoded(config.getCaCertData()))
        .isEqualTo(Files.readString(certificates.caCertificate()));
    assertThat(decoded(config.getClientCertData()))
        .isEqualTo(Files.readString(certificates.adminCertificate()));
    assertThat(decoded(config.getClientKeyData()))
        .isEqualTo(Files.readString(certificates.adminKey()));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
  }

  @Test
  void rewritingReplacesTheServer() throws IOException {
    ClusterCertificates certificates = ClusterCertificates.loadOrCreate(directory.resolve("pki"));
    Path file = directory.resolve("kubeconfig");

    Kubeconfig.write(file, Kubeconfig.yaml("https://127.0.0.1:6443", certificates));
    Kubeconfig.write(file, Kubeconfig.yaml("https://127.0.0.1:7443", certificates));

    assertThat(Config.fromKubeconfig(file.toFile()).getMasterUrl())
        .isEqualTo("https://127.0.0.1:7443/");
    try (var files = Files.list(directory)) {
      assertThat(files).containsExactlyInAnyOrder(directory.resolve("pki"), file);
    }
  }

  private static String decoded(String base64) {
    return new String(Base64.getDecoder().decode(base64));
  }
}
