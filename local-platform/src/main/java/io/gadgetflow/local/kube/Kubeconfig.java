package io.gadgetflow.local.kube;

import io.fabric8.kubernetes.api.model.Config;
import io.fabric8.kubernetes.api.model.ConfigBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import io.gadgetflow.local.OwnerOnlyFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;

/**
 * The kubeconfig of the cluster's administrator, or of one of its components. The certificates are
 * embedded rather than referenced, so the file keeps working when copied elsewhere.
 */
final class Kubeconfig {
  /** Cluster, user and context share this name, which says where the cluster is. */
  private static final String CONTEXT = "gadgetflow-local";

  private Kubeconfig() {}

  static String yaml(String serverUrl, ClusterCertificates certificates) {
    return yaml(
        serverUrl,
        certificates.caCertificate(),
        certificates.adminCertificate(),
        certificates.adminKey());
  }

  /** The kubeconfig of the client with {@code clientCertificate} and {@code clientKey}. */
  static String yaml(String serverUrl, Path caCertificate, Path clientCertificate, Path clientKey) {
    Config config =
        new ConfigBuilder()
            .withApiVersion("v1")
            .withKind("Config")
            .addNewCluster()
            .withName(CONTEXT)
            .withNewCluster()
            .withServer(serverUrl)
            .withCertificateAuthorityData(base64(caCertificate))
            .endCluster()
            .endCluster()
            .addNewUser()
            .withName(CONTEXT)
            .withNewUser()
            .withClientCertificateData(base64(clientCertificate))
            .withClientKeyData(base64(clientKey))
            .endUser()
            .endUser()
            .addNewContext()
            .withName(CONTEXT)
            .withNewContext()
            .withCluster(CONTEXT)
            .withUser(CONTEXT)
            .endContext()
            .endContext()
            .withCurrentContext(CONTEXT)
            .build();
    return new KubernetesSerialization().asYaml(config);
  }

  /** Writes the file readable by its owner only: it holds a client's key. */
  static void write(Path file, String yaml) {
    try {
      OwnerOnlyFiles.write(file, yaml);
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot write the kubeconfig " + file, e);
    }
  }

  private static String base64(Path pemFile) {
    try {
      return Base64.getEncoder().encodeToString(Files.readAllBytes(pemFile));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot read " + pemFile, e);
    }
  }
}
