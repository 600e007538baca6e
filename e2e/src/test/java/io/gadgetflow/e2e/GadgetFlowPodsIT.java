package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodSecurityContext;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.apps.DaemonSet;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * GadgetFlow's own pods, as the kubelet runs them from k8s/install: the security settings of the
 * manifests, unchanged, and what the kernel says of the processes they became.
 */
@WithGadgetFlowCluster
@Order(1)
class GadgetFlowPodsIT {
  private static final long CAP_NET_RAW = 1L << 13;
  private static final long CAP_SYS_PTRACE = 1L << 19;
  private static final long CAP_SYS_ADMIN = 1L << 21;
  private static final long CAP_SYSLOG = 1L << 34;
  private static final long CAP_PERFMON = 1L << 38;
  private static final long CAP_BPF = 1L << 39;
  private static final int SECCOMP_FILTER = 2;

  @ParameterizedTest
  @CsvSource({"05-controller.yaml, controller", "06-web.yaml, web", "07-node.yaml, node"})
  void everyPodRunsWithExactlyTheManifestsSecurityContext(
      String manifest, String component, GadgetFlowCluster cluster) throws IOException {
    PodSpec applied = podTemplate(cluster, manifest);
    List<Pod> pods = pods(cluster, component);

    assertThat(pods).isNotEmpty();
    for (Pod pod : pods) {
      assertThat(pod.getStatus().getPhase()).isEqualTo("Running");
      // A pod without one is stored with an empty one.
      assertThat(pod.getSpec().getSecurityContext())
          .as("the pod's securityContext")
          .isEqualTo(
              Objects.requireNonNullElseGet(applied.getSecurityContext(), PodSecurityContext::new));
      assertThat(pod.getSpec().getHostPID()).isEqualTo(applied.getHostPID());
      assertThat(pod.getSpec().getContainers().getFirst().getSecurityContext())
          .as("the container's securityContext")
          .isEqualTo(applied.getContainers().getFirst().getSecurityContext());
    }
  }

  @Test
  void theNodeAgentHoldsOnlyTheCapabilitiesItsManifestAdds(GadgetFlowCluster cluster) {
    for (Pod pod : pods(cluster, "node")) {
      long pid = NodeHost.containerPid(cluster, Workloads.containerId(pod));
      NodeHost.Privileges privileges = NodeHost.privileges(pid);

      assertThat(Long.toHexString(privileges.effectiveCapabilities()))
          .as("CapEff of the agent (BPF, PERFMON, SYS_PTRACE, SYS_ADMIN, NET_RAW, SYSLOG)")
          .isEqualTo(
              Long.toHexString(
                  CAP_BPF
                      | CAP_PERFMON
                      | CAP_SYS_PTRACE
                      | CAP_SYS_ADMIN
                      | CAP_NET_RAW
                      | CAP_SYSLOG));
      assertThat(privileges.effectiveUid()).isZero();
      assertThat(privileges.noNewPrivileges()).isTrue();
      assertThat(privileges.seccompMode()).as("seccomp Unconfined").isZero();
      assertThat(NodeHost.rootIsReadOnly(pid)).as("read-only root filesystem").isTrue();
    }
  }

  @ParameterizedTest
  @CsvSource({"controller", "web"})
  void theControllerAndWebUiRunUnprivileged(String component, GadgetFlowCluster cluster) {
    for (Pod pod : pods(cluster, component)) {
      long pid = NodeHost.containerPid(cluster, Workloads.containerId(pod));
      NodeHost.Privileges privileges = NodeHost.privileges(pid);

      assertThat(privileges.effectiveCapabilities()).as("CapEff").isZero();
      assertThat(privileges.effectiveUid()).isEqualTo(10001);
      assertThat(privileges.noNewPrivileges()).isTrue();
      assertThat(privileges.seccompMode()).as("seccomp RuntimeDefault").isEqualTo(SECCOMP_FILTER);
      assertThat(NodeHost.rootIsReadOnly(pid)).as("read-only root filesystem").isTrue();
    }
  }

  @ParameterizedTest
  @CsvSource({"controller", "web", "node"})
  void everyRoleIsHealthy(String component, GadgetFlowCluster cluster) throws Exception {
    try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
      for (Pod pod : pods(cluster, component)) {
        HttpResponse<String> health =
            http.send(
                HttpRequest.newBuilder(
                        URI.create("http://" + pod.getStatus().getPodIP() + ":8081/health"))
                    .build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(health.statusCode()).as(health.body()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"").contains("\"" + component + "\"");
      }
    }
  }

  static List<Pod> pods(GadgetFlowCluster cluster, String component) {
    return cluster
        .client()
        .pods()
        .inNamespace("gadget")
        .withLabels(
            Map.of(
                "app.kubernetes.io/part-of",
                "gadgetflow",
                "app.kubernetes.io/component",
                component))
        .list()
        .getItems();
  }

  /** The pod template of the manifest's workload, as k8s/install has it. */
  private static PodSpec podTemplate(GadgetFlowCluster cluster, String manifest)
      throws IOException {
    Path file = cluster.repository().resolve("k8s/install").resolve(manifest);
    try (InputStream yaml = Files.newInputStream(file)) {
      for (HasMetadata object : cluster.client().load(yaml).items()) {
        if (object instanceof Deployment deployment) {
          return deployment.getSpec().getTemplate().getSpec();
        }
        if (object instanceof DaemonSet daemonSet) {
          return daemonSet.getSpec().getTemplate().getSpec();
        }
      }
    }
    throw new AssertionError(file + " has no Deployment or DaemonSet");
  }
}
