package io.gadgetflow.testing;

import io.fabric8.kubernetes.client.KubernetesClient;
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
 * The run's control plane with its throw-away data directory, owned by the JUnit store that closes
 * it.
 */
final class SharedKubernetes implements AutoCloseable {
  private final Path dataDir;
  private final LocalControlPlane controlPlane;
  private final KubernetesClient client;
  private final KubernetesCluster cluster;

  private SharedKubernetes(Path dataDir, LocalControlPlane controlPlane, KubernetesClient client) {
    this.dataDir = dataDir;
    this.controlPlane = controlPlane;
    this.client = client;
    this.cluster =
        new KubernetesCluster(
            controlPlane.kubeconfig(),
            client,
            new Kubectl(controlPlane.kubeconfig(), dataDir.resolve("kubectl-cache")));
  }

  static SharedKubernetes start() {
    Path dataDir = createDataDir();
    boolean started = false;
    try {
      LocalControlPlane controlPlane =
          LocalControlPlane.start(
              LocalControlPlaneConfig.inDirectory(ControlPlaneBinaries.fromEnvironment(), dataDir)
                  .withApiServerPort(0));
      try {
        SharedKubernetes shared =
            new SharedKubernetes(dataDir, controlPlane, controlPlane.newClient());
        started = true;
        return shared;
      } finally {
        if (!started) {
          controlPlane.close();
        }
      }
    } finally {
      // Also after errors such as a missing class, which a broken test class path produces.
      if (!started) {
        deleteRecursively(dataDir);
      }
    }
  }

  KubernetesCluster cluster() {
    return cluster;
  }

  @Override
  public void close() {
    client.close();
    controlPlane.close();
    deleteRecursively(dataDir);
  }

  private static Path createDataDir() {
    try {
      return Files.createTempDirectory("gadgetflow-test-kube-");
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot create a data directory for the test control plane", e);
    }
  }

  private static void deleteRecursively(Path directory) {
    try (Stream<Path> paths = Files.walk(directory)) {
      for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(path);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot delete the test control plane's data in " + directory, e);
    }
  }
}
