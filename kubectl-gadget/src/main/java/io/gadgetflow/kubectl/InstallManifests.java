package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The manifests of {@code k8s/install}, which the build packages beside this class so that an
 * installed jar needs no checkout. Their file names are numbered in the order they apply in; a
 * manifest added there is applied without a change here.
 */
final class InstallManifests {
  private static final String DIRECTORY = "install";

  /** The ConfigMap every role reads its Kafka settings from (04-kafka-config.yaml). */
  private static final String KAFKA_CONFIG_MAP = "gadgetflow-kafka";

  private static final String BOOTSTRAP_KEY = "GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS";

  /** What 04-kafka-config.yaml ships: a Strimzi cluster named kafka in the namespace kafka. */
  static final String SHIPPED_KAFKA_BOOTSTRAP = "kafka-bootstrap.kafka.svc:9092";

  private InstallManifests() {}

  /** Every object of every manifest, in apply order. */
  static List<HasMetadata> load(KubernetesClient client) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String fileName : fileNames()) {
      try (InputStream yaml =
          InstallManifests.class.getResourceAsStream(DIRECTORY + "/" + fileName)) {
        objects.addAll(client.load(yaml).items());
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the install manifest " + fileName, e);
      }
    }
    return objects;
  }

  /**
   * Points every role at {@code bootstrapServers}: the value the header of 04-kafka-config.yaml
   * asks to edit before applying, which a packaged manifest cannot be.
   *
   * @throws IllegalStateException when the manifests have no such ConfigMap
   */
  static void setKafkaBootstrap(List<HasMetadata> objects, String bootstrapServers) {
    ConfigMap kafka =
        objects.stream()
            .filter(ConfigMap.class::isInstance)
            .map(ConfigMap.class::cast)
            .filter(configMap -> configMap.getMetadata().getName().equals(KAFKA_CONFIG_MAP))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "the install manifests have no ConfigMap " + KAFKA_CONFIG_MAP));
    kafka.getData().put(BOOTSTRAP_KEY, bootstrapServers);
  }

  /** The manifests' file names, sorted; the directory is read from a folder or from the jar. */
  static List<String> fileNames() {
    URL directory = InstallManifests.class.getResource(DIRECTORY);
    if (directory == null) {
      throw new IllegalStateException(
          "the install manifests are missing from the class path; the build copies k8s/install");
    }
    try {
      URI uri = directory.toURI();
      if (uri.getScheme().equals("jar")) {
        try (FileSystem jar = FileSystems.newFileSystem(uri, Map.of())) {
          return yamlFiles(jar.provider().getPath(uri));
        }
      }
      return yamlFiles(Path.of(uri));
    } catch (IOException e) {
      throw new UncheckedIOException("Cannot list the install manifests in " + directory, e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(
          "Unusable location of the install manifests: " + directory, e);
    }
  }

  private static List<String> yamlFiles(Path directory) throws IOException {
    try (Stream<Path> files = Files.list(directory)) {
      return files
          .map(file -> file.getFileName().toString())
          .filter(name -> name.endsWith(".yaml"))
          .sorted()
          .toList();
    }
  }
}
