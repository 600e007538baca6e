package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * kubectl gadget trace exec on real pods: a Deployment's pod of gadgetflow/demo, named from what
 * the kubelet and containerd report; nothing of another pod or of the host; a pod that appears
 * after the trace started, and a container the kubelet restarted.
 */
@WithGadgetFlowCluster
@Order(10)
class TraceExecIT {
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  static Workloads workloads;
  static String demo;

  @BeforeAll
  static void deployDemoAndAnotherPod(GadgetFlowCluster cluster) {
    workloads = Workloads.inNewNamespace(cluster, "e2e-exec");
    demo = workloads.deployment("demo");
    workloads.pod("other");
  }

  @Test
  void execsOfThePodArriveNamedAndNothingElseDoes(GadgetFlowCluster cluster) {
    try (KubectlGadget trace =
        cluster.kubectlGadget(
            "trace", "exec", "-n", workloads.namespace(), "-p", demo, "-o", "json")) {
      String marker = Events.marker("exec-demo");
      JsonNode event =
          Events.repeatUntilSeen(
              trace, marker, () -> workloads.exec(demo, "/bin/echo", marker), TIMEOUT);

      assertThat(event.path("node").asText()).isEqualTo(cluster.nodeName());
      assertThat(event.path("namespace").asText()).isEqualTo(workloads.namespace());
      assertThat(event.path("pod").asText()).isEqualTo(demo);
      assertThat(event.path("container").asText()).isEqualTo(Workloads.CONTAINER);
      assertThat(event.path("comm").asText()).isEqualTo("echo");
      assertThat(event.path("mountnsid").asLong()).isPositive();

      String otherMarker = Events.marker("exec-other");
      String hostMarker = Events.marker("exec-host");
      workloads.exec("other", "/bin/echo", otherMarker);
      NodeHost.run("/bin/echo", hostMarker);
      // Events of one trace arrive in order: once an exec that came after both is seen, theirs
      // would have been seen before it.
      String fence = Events.marker("exec-fence");
      workloads.exec(demo, "/bin/echo", fence);
      trace.awaitLine(line -> line.contains(fence), TIMEOUT, fence);
      assertThat(trace.lines())
          .noneMatch(line -> line.contains(otherMarker))
          .noneMatch(line -> line.contains(hostMarker))
          .allSatisfy(line -> assertThat(Events.parse(line).path("pod").asText()).isEqualTo(demo));
    }
  }

  @Test
  void aContainerTheKubeletRestartedStaysNamed(GadgetFlowCluster cluster) {
    try (KubectlGadget trace =
        cluster.kubectlGadget(
            "trace", "exec", "-n", workloads.namespace(), "-p", demo, "-o", "json")) {
      String before = Events.marker("exec-before-restart");
      Events.repeatUntilSeen(
          trace, before, () -> workloads.exec(demo, "/bin/echo", before), TIMEOUT);
      Pod running = workloads.pod(demo, true);
      String firstContainer = Workloads.containerId(running);
      int restarts = running.getStatus().getContainerStatuses().getFirst().getRestartCount();

      // The container's first process killed from the node, as the kernel's OOM killer would.
      NodeHost.run("kill", "-KILL", Long.toString(NodeHost.containerPid(cluster, firstContainer)));
      Pod restarted =
          workloads.awaitPod(
              demo,
              pod ->
                  Workloads.ready(pod)
                      && pod.getStatus().getContainerStatuses().getFirst().getRestartCount()
                          > restarts,
              "restarted and Ready");
      assertThat(Workloads.containerId(restarted)).isNotEqualTo(firstContainer);

      String after = Events.marker("exec-after-restart");
      JsonNode event =
          Events.repeatUntilSeen(
              trace, after, () -> workloads.exec(demo, "/bin/echo", after), TIMEOUT);
      assertThat(event.path("pod").asText()).isEqualTo(demo);
      assertThat(event.path("container").asText()).isEqualTo(Workloads.CONTAINER);
    }
  }

  @Test
  void aPodCreatedAfterTheTraceStartedIsPickedUp(GadgetFlowCluster cluster) {
    try (KubectlGadget trace =
        cluster.kubectlGadget(
            "trace", "exec", "-n", workloads.namespace(), "-p", "late", "-o", "json")) {
      GadgetFlowTraces.awaitStarted(cluster, trace, "late");
      workloads.pod("late");
      String marker = Events.marker("exec-late");
      JsonNode event =
          Events.repeatUntilSeen(
              trace, marker, () -> workloads.exec("late", "/bin/echo", marker), TIMEOUT);

      assertThat(event.path("pod").asText()).isEqualTo("late");
      assertThat(event.path("namespace").asText()).isEqualTo(workloads.namespace());
    }
  }
}
