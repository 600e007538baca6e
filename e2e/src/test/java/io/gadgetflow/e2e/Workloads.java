package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.gadgetflow.testing.KubectlResult;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Pods of {@code gadgetflow/demo:latest} (a shell and coreutils), which the tests trace, and what
 * tests do with them: exec into them with kubectl, find their processes on this machine.
 */
final class Workloads {
  static final String DEMO_IMAGE = "gadgetflow/demo:latest";
  static final String CONTAINER = "demo";
  static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

  private final GadgetFlowCluster cluster;
  private final String namespace;

  private Workloads(GadgetFlowCluster cluster, String namespace) {
    this.cluster = cluster;
    this.namespace = namespace;
  }

  /** A namespace of the test's own, {@code <prefix>-<n>}. */
  static Workloads inNewNamespace(GadgetFlowCluster cluster, String prefix) {
    return new Workloads(cluster, cluster.kubernetes().createNamespace(prefix));
  }

  String namespace() {
    return namespace;
  }

  /**
   * A Deployment {@code name} of one demo pod labelled {@code app=<name>}, rolled out.
   *
   * @return the name of its pod
   */
  String deployment(String name) {
    apply(
        """
        apiVersion: apps/v1
        kind: Deployment
        metadata: {name: %1$s}
        spec:
          replicas: 1
          selector: {matchLabels: {app: %1$s}}
          template:
            metadata: {labels: {app: %1$s}}
            spec:
              terminationGracePeriodSeconds: 1
              containers:
                - name: %2$s
                  image: %3$s
                  imagePullPolicy: Never
        """
            .formatted(name, CONTAINER, DEMO_IMAGE));
    cluster
        .kubernetes()
        .kubectl(
            "rollout",
            "status",
            "-n",
            namespace,
            "deployment/" + name,
            "--timeout=" + READY_TIMEOUT.toSeconds() + "s")
        .requireSuccess();
    List<Pod> pods =
        cluster
            .client()
            .pods()
            .inNamespace(namespace)
            .withLabel("app", name)
            .list()
            .getItems()
            .stream()
            .filter(pod -> pod.getMetadata().getDeletionTimestamp() == null)
            .toList();
    assertThat(pods).hasSize(1);
    return pods.getFirst().getMetadata().getName();
  }

  /** A bare pod {@code name}, Ready. */
  void pod(String name) {
    apply(
        """
        apiVersion: v1
        kind: Pod
        metadata: {name: %1$s, labels: {app: %1$s}}
        spec:
          terminationGracePeriodSeconds: 1
          containers:
            - name: %2$s
              image: %3$s
              imagePullPolicy: Never
        """
            .formatted(name, CONTAINER, DEMO_IMAGE));
    awaitPod(name, Workloads::ready, "Ready");
  }

  /** Runs {@code command} in the pod's container, as {@code kubectl exec} does. */
  KubectlResult exec(String pod, String... command) {
    List<String> arguments =
        new ArrayList<>(List.of("exec", "-n", namespace, pod, "-c", CONTAINER, "--"));
    arguments.addAll(List.of(command));
    return cluster.kubernetes().kubectl(arguments.toArray(String[]::new)).requireSuccess();
  }

  Pod pod(String name, boolean required) {
    Pod pod = cluster.client().pods().inNamespace(namespace).withName(name).get();
    if (required) {
      assertThat(pod).as("pod %s/%s", namespace, name).isNotNull();
    }
    return pod;
  }

  /** The pod as soon as {@code condition} holds for it. */
  Pod awaitPod(String name, Predicate<Pod> condition, String what) {
    try {
      return cluster
          .client()
          .pods()
          .inNamespace(namespace)
          .withName(name)
          .waitUntilCondition(
              seen -> seen != null && condition.test(seen),
              READY_TIMEOUT.toMillis(),
              TimeUnit.MILLISECONDS);
    } catch (KubernetesClientException timedOut) {
      throw new AssertionError(
          "pod " + namespace + "/" + name + " not " + what + ": " + pod(name, false), timedOut);
    }
  }

  static boolean ready(Pod pod) {
    return pod.getStatus() != null
        && pod.getStatus().getConditions() != null
        && pod.getStatus().getConditions().stream()
            .anyMatch(c -> "Ready".equals(c.getType()) && "True".equals(c.getStatus()));
  }

  /** The runtime's id of the pod's (first) container, without the {@code containerd://} prefix. */
  static String containerId(Pod pod) {
    ContainerStatus status = pod.getStatus().getContainerStatuses().getFirst();
    String id = status.getContainerID();
    return id.substring(id.indexOf("://") + 3);
  }

  private void apply(String yaml) {
    cluster
        .kubernetes()
        .kubectlWithInput(yaml, "apply", "-n", namespace, "-f", "-")
        .requireSuccess();
  }
}
