package io.gadgetflow.bench.shared;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.local.kafka.EmbeddedKafka;
import io.gadgetflow.local.kafka.EmbeddedKafkaConfig;
import io.gadgetflow.local.kube.ControlPlaneBinaries;
import io.gadgetflow.local.kube.LocalControlPlane;
import io.gadgetflow.local.kube.LocalControlPlaneConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * A KRaft broker with the contract's topics and the local Kubernetes API server, on free ports, for
 * one benchmark run: what the controller, node agents and web UI under measurement talk to. Their
 * data is in a temporary directory deleted on close. The API server's binaries come from
 * GADGETFLOW_CONTROL_PLANE_BIN (run.sh calls prepare_control_plane).
 */
public final class LocalKafkaAndKube implements AutoCloseable {
  private final Path data;
  private final EmbeddedKafka kafka;
  private final LocalControlPlane kube;
  private final KubernetesClient client;

  private LocalKafkaAndKube(
      Path data, EmbeddedKafka kafka, LocalControlPlane kube, KubernetesClient client) {
    this.data = data;
    this.kafka = kafka;
    this.kube = kube;
    this.client = client;
  }

  /** Starts both; stops what it started and deletes its data when one fails. */
  public static LocalKafkaAndKube start() throws IOException {
    Path data = Files.createTempDirectory("gadgetflow-bench-");
    EmbeddedKafka kafka = null;
    LocalControlPlane kube = null;
    try {
      kafka =
          EmbeddedKafka.start(
              EmbeddedKafkaConfig.defaults()
                  .withDataDir(data.resolve("kafka"))
                  .withPort(0)
                  .withoutAuthentication());
      kube =
          LocalControlPlane.start(
              LocalControlPlaneConfig.inDirectory(
                      ControlPlaneBinaries.fromEnvironment(), data.resolve("kube"))
                  .withApiServerPort(0));
      return new LocalKafkaAndKube(data, kafka, kube, kube.newClient());
    } catch (RuntimeException e) {
      stop(kube, kafka, data);
      throw e;
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The cluster administrator's client, closed with the rest. */
  public KubernetesClient client() {
    return client;
  }

  @Override
  public void close() {
    client.close();
    stop(kube, kafka, data);
  }

  private static void stop(LocalControlPlane kube, EmbeddedKafka kafka, Path data) {
    if (kube != null) {
      kube.close();
    }
    if (kafka != null) {
      kafka.close();
    }
    try (Stream<Path> files = Files.walk(data)) {
      files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException("could not delete " + data, e);
    }
  }
}
