package io.gadgetflow.testing;

import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The test run's Kubernetes API server as tests see it. The server is shared by every test of the
 * run, so tests keep apart by working in namespaces of their own ({@link
 * #createNamespace(String)}). The Trace CRD is established and the {@code gadget} namespace exists
 * from the start. Nothing but the API server and etcd runs: no controller deletes namespaces or
 * schedules pods.
 */
public final class KubernetesCluster {
  private final Path kubeconfig;
  private final KubernetesClient client;
  private final Kubectl kubectl;
  private final AtomicInteger namespaceSequence = new AtomicInteger();

  KubernetesCluster(Path kubeconfig, KubernetesClient client, Kubectl kubectl) {
    this.kubeconfig = kubeconfig;
    this.client = client;
    this.kubectl = kubectl;
  }

  /**
   * Another cluster as tests see it (the end-to-end tests' own, which runs pods): its
   * administrator's {@code kubeconfig}, a {@code client} of it that the caller closes, and a folder
   * for kubectl's discovery cache.
   */
  public static KubernetesCluster of(Path kubeconfig, KubernetesClient client, Path kubectlCache) {
    return new KubernetesCluster(kubeconfig, client, new Kubectl(kubeconfig, kubectlCache));
  }

  /** A client acting as the cluster's administrator, shared by the run: do not close it. */
  public KubernetesClient client() {
    return client;
  }

  /** The administrator's kubeconfig, for programs under test that take one. */
  public Path kubeconfig() {
    return kubeconfig;
  }

  /**
   * Creates a namespace no other test uses, named {@code <prefix>-<n>}, and returns its name. The
   * prefix must be lower case letters, digits and '-', as namespace names are.
   */
  public String createNamespace(String prefix) {
    String name = prefix + "-" + namespaceSequence.incrementAndGet();
    client
        .namespaces()
        .resource(new NamespaceBuilder().withNewMetadata().withName(name).endMetadata().build())
        .create();
    return name;
  }

  /**
   * Runs the real kubectl against this cluster, e.g. {@code kubectl("get", "trace", "-n", ns)},
   * with nothing on its standard input.
   */
  public KubectlResult kubectl(String... arguments) {
    return kubectl.run("", List.of(arguments));
  }

  /**
   * Runs the real kubectl with {@code input} on its standard input, e.g. a manifest for {@code
   * kubectlWithInput(yaml, "apply", "-n", ns, "-f", "-")}.
   */
  public KubectlResult kubectlWithInput(String input, String... arguments) {
    return kubectl.run(input, List.of(arguments));
  }
}
