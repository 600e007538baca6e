package io.gadgetflow.cli.platform;

import io.fabric8.kubernetes.client.Config;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** How the platform's roles reach a Kubernetes cluster they were pointed at. */
public final class KubeconfigFile {
  private KubeconfigFile() {}

  /**
   * The cluster of the kubeconfig at {@code path}; null means fabric8's usual search (in a pod, its
   * service account; else {@code KUBECONFIG} or {@code ~/.kube/config}).
   */
  public static Config read(Path path) {
    if (path == null) {
      return Config.autoConfigure(null);
    }
    try {
      return Config.fromKubeconfig(Files.readString(path));
    } catch (IOException e) {
      throw new PlatformException("cannot read the kubeconfig " + path + ": " + e.getMessage(), e);
    }
  }
}
