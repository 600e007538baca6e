package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.gadgetflow.api.config.Settings;
import io.gadgetflow.kafka.KafkaSecurity;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

class InstallManifestsTest {
  @Test
  void everyManifestOfK8sInstallIsPackagedInItsOrder() throws IOException {
    try (Stream<Path> files = Files.list(Path.of("..", "k8s", "install"))) {
      assertThat(InstallManifests.fileNames())
          .isEqualTo(files.map(file -> file.getFileName().toString()).sorted().toList())
          .startsWith("00-namespace.yaml", "01-crd-traces.yaml");
    }
  }

  @Test
  void theNamespaceAndTheCrdComeBeforeWhatUsesThem() {
    // Loading parses the manifests; the client connects to nothing for that.
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      assertThat(InstallManifests.load(client))
          .extracting(HasMetadata::getKind)
          .startsWith("Namespace", "CustomResourceDefinition", "ServiceAccount")
          .contains("ClusterRole", "ClusterRoleBinding");
    }
  }

  @Test
  void theKafkaBootstrapServersOfEveryRoleCanBeSetAtDeployTime() {
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      List<HasMetadata> objects = InstallManifests.load(client);
      assertThat(kafkaBootstrap(objects)).isEqualTo(InstallManifests.SHIPPED_KAFKA_BOOTSTRAP);

      InstallManifests.setKafkaBootstrap(objects, "198.18.0.1:9092");

      assertThat(kafkaBootstrap(objects)).isEqualTo("198.18.0.1:9092");
    }
  }

  @Test
  void everyRoleReachesKafkaOverTlsWithItsOwnScramLoginByDefault() {
    try (KubernetesClient client = new KubernetesClientBuilder().build()) {
      Map<String, String> environment = new HashMap<>(kafkaConfig(InstallManifests.load(client)));
      // What a role's Secret adds (secretKeyRef username and password).
      environment.put("GADGETFLOW_KAFKA_SASL_USERNAME", "gadgetflow-node");
      environment.put("GADGETFLOW_KAFKA_SASL_PASSWORD", "secret");

      Map<String, String> properties =
          KafkaSecurity.fromSettings(new Settings(environment)).clientProperties();

      assertThat(properties)
          .containsEntry("security.protocol", "SASL_SSL")
          .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
          .containsEntry("ssl.truststore.type", "PEM")
          .containsEntry("ssl.truststore.location", "/etc/gadgetflow/kafka/ca.crt");
      assertThat(properties.get("sasl.jaas.config")).contains("username=\"gadgetflow-node\"");
    }
  }

  private static String kafkaBootstrap(List<HasMetadata> objects) {
    return kafkaConfig(objects).get("GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS");
  }

  private static Map<String, String> kafkaConfig(List<HasMetadata> objects) {
    return objects.stream()
        .filter(ConfigMap.class::isInstance)
        .map(ConfigMap.class::cast)
        .filter(configMap -> configMap.getMetadata().getName().equals("gadgetflow-kafka"))
        .findFirst()
        .orElseThrow()
        .getData();
  }
}
