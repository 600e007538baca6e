package io.gadgetflow.kubectl;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;

/**
 * The Kubernetes cluster a command works on, reachable or refused with one line that names the
 * server and how it was found.
 */
final class Cluster implements AutoCloseable {
  /**
   * A user waits on every call: fail fast on a server that is not there, and do not retry. A
   * refused connection fails at once; 10 s, not 5, because an API server busy with a fleet's writes
   * took longer to accept (three of four `-A` runs at 500 nodes in bench/fleet run E).
   */
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final KubernetesClient client;
  private final String defaultNamespace;

  private Cluster(KubernetesClient client, String defaultNamespace) {
    this.client = client;
    this.defaultNamespace = defaultNamespace;
  }

  /**
   * Connects to the cluster of {@code kubeconfig}, or of $KUBECONFIG / ~/.kube/config when null,
   * and checks that its API server answers.
   *
   * @throws CommandFailure when the kubeconfig cannot be read or no API server answers
   */
  static Cluster connect(Path kubeconfig) {
    Config config = load(kubeconfig);
    config.setConnectionTimeout((int) CONNECT_TIMEOUT.toMillis());
    config.setRequestTimeout((int) REQUEST_TIMEOUT.toMillis());
    config.setRequestRetryBackoffLimit(0);
    KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
    try {
      client.getKubernetesVersion();
    } catch (KubernetesClientException e) {
      client.close();
      throw new CommandFailure(
          "no Kubernetes cluster reachable at %s (%s): %s"
              .formatted(config.getMasterUrl(), source(kubeconfig), KubernetesErrors.reason(e)),
          e);
    }
    String namespace = config.getNamespace();
    return new Cluster(client, namespace == null || namespace.isBlank() ? "default" : namespace);
  }

  private static Config load(Path kubeconfig) {
    if (kubeconfig == null) {
      return Config.autoConfigure(null);
    }
    if (!Files.isReadable(kubeconfig)) {
      throw new CommandFailure("cannot read the kubeconfig " + kubeconfig);
    }
    try {
      return Config.fromKubeconfig(kubeconfig.toFile());
    } catch (KubernetesClientException e) {
      throw new CommandFailure(
          "cannot use the kubeconfig " + kubeconfig + ": " + KubernetesErrors.reason(e), e);
    }
  }

  private static String source(Path kubeconfig) {
    if (kubeconfig != null) {
      return "from " + kubeconfig;
    }
    String variable = System.getenv("KUBECONFIG");
    if (variable != null && !variable.isBlank()) {
      boolean readable =
          Arrays.stream(variable.split(":")).anyMatch(file -> Files.isReadable(Path.of(file)));
      return readable ? "from $KUBECONFIG" : "$KUBECONFIG names no readable file";
    }
    return Files.isReadable(Path.of(System.getProperty("user.home"), ".kube", "config"))
        ? "from ~/.kube/config"
        : "no kubeconfig found: give --kubeconfig or set $KUBECONFIG";
  }

  KubernetesClient client() {
    return client;
  }

  /** The kubeconfig context's namespace, else {@code default}: the filter when -n is not given. */
  String defaultNamespace() {
    return defaultNamespace;
  }

  @Override
  public void close() {
    client.close();
  }
}
