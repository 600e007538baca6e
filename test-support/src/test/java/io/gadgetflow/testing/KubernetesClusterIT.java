package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

import io.gadgetflow.api.trace.Trace;
import org.junit.jupiter.api.Test;

@WithKubernetes
class KubernetesClusterIT {
  @Test
  void everyCreatedNamespaceIsNewAndExists(KubernetesCluster cluster) {
    String first = cluster.createNamespace("orders");
    String second = cluster.createNamespace("orders");

    assertThat(first).isNotEqualTo(second).startsWith("orders-");
    assertThat(cluster.client().namespaces().withName(first).get()).isNotNull();
    assertThat(cluster.client().namespaces().withName(second).get()).isNotNull();
  }

  @Test
  void theClusterComesWithTheGadgetNamespaceAndTheTraceResource(KubernetesCluster cluster) {
    assertThat(
            cluster
                .kubectl("get", "namespace", Trace.DEFAULT_NAMESPACE, "-o", "name")
                .requireSuccess()
                .stdout())
        .isEqualTo("namespace/gadget\n");
    assertThat(
            cluster
                .kubectl("api-resources", "--api-group=" + Trace.GROUP, "-o", "name")
                .requireSuccess()
                .stdout())
        .isEqualTo(Trace.CRD_NAME + "\n");
  }

  @Test
  void kubectlReadsItsInputAndReportsFailuresWithTheirOutput(KubernetesCluster cluster) {
    String namespace = cluster.createNamespace("kubectl");
    String configMap =
        """
        apiVersion: v1
        kind: ConfigMap
        metadata:
          name: settings
        data:
          colour: blue
        """;

    assertThat(
            cluster
                .kubectlWithInput(configMap, "apply", "-n", namespace, "-f", "-")
                .requireSuccess()
                .stdout())
        .isEqualTo("configmap/settings created\n");
    assertThat(
            cluster
                .client()
                .configMaps()
                .inNamespace(namespace)
                .withName("settings")
                .get()
                .getData())
        .containsEntry("colour", "blue");

    KubectlResult missing = cluster.kubectl("get", "configmap", "absent", "-n", namespace);
    assertThat(missing.succeeded()).isFalse();
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("configmaps \"absent\" not found");
    assertThatExceptionOfType(AssertionError.class)
        .isThrownBy(missing::requireSuccess)
        .withMessageContaining("kubectl --kubeconfig=" + cluster.kubeconfig())
        .withMessageContaining("exited with 1")
        .withMessageContaining("configmaps \"absent\" not found");
  }
}
