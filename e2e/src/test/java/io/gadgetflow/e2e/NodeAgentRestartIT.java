package io.gadgetflow.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.fabric8.kubernetes.api.model.Pod;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;

/**
 * The node agent's pod deleted while a trace runs: the DaemonSet brings a new one, which runs the
 * trace again, and the time no agent ran it is said in the stream (the stopping agent's last
 * warning, the new agent's first), not silent.
 */
@WithGadgetFlowCluster
@Order(40)
class NodeAgentRestartIT {
  static final Duration TIMEOUT = Duration.ofMinutes(3);

  @Test
  void theTraceResumesInTheNewAgentPodAndTheMissedTimeIsSaid(GadgetFlowCluster cluster) {
    Workloads workloads = Workloads.inNewNamespace(cluster, "e2e-restart");
    String demo = workloads.deployment("demo");
    try (KubectlGadget trace =
        cluster.kubectlGadget(
            "trace", "exec", "-n", workloads.namespace(), "-p", demo, "-o", "json")) {
      String before = Events.marker("before-agent-restart");
      Events.repeatUntilSeen(
          trace, before, () -> workloads.exec(demo, "/bin/echo", before), TIMEOUT);
      Pod agent = GadgetFlowPodsIT.pods(cluster, "node").getFirst();

      cluster
          .kubernetes()
          .kubectl("delete", "pod", "-n", "gadget", agent.getMetadata().getName(), "--wait=false")
          .requireSuccess();
      String stopping =
          trace.awaitLine(
              line -> line.contains("node agent stopping"), TIMEOUT, "the stopping warning");
      Pod replacement = awaitReplacement(cluster, agent);
      String resumed =
          trace.awaitLine(
              line -> line.contains("node agent restarted"), TIMEOUT, "the resumed warning");
      String after = Events.marker("after-agent-restart");
      JsonNode event =
          Events.repeatUntilSeen(
              trace, after, () -> workloads.exec(demo, "/bin/echo", after), TIMEOUT);

      assertThat(replacement.getMetadata().getUid()).isNotEqualTo(agent.getMetadata().getUid());
      JsonNode stoppingEvent = Events.parse(stopping);
      JsonNode resumedEvent = Events.parse(resumed);
      assertThat(stoppingEvent.path("type").asText()).isEqualTo("warn");
      assertThat(resumedEvent.path("type").asText()).isEqualTo("warn");
      assertThat(stoppingEvent.path("timestamp").asLong())
          .isLessThan(resumedEvent.path("timestamp").asLong());
      List<String> lines = trace.lines();
      assertThat(lines.indexOf(stopping)).isLessThan(lines.indexOf(resumed));
      assertThat(event.path("pod").asText()).isEqualTo(demo);
      assertThat(event.path("timestamp").asLong())
          .isGreaterThan(resumedEvent.path("timestamp").asLong());
    }
  }

  /** The DaemonSet's new pod for the node, Ready. */
  private static Pod awaitReplacement(GadgetFlowCluster cluster, Pod deleted) {
    String deletedUid = deleted.getMetadata().getUid();
    try {
      List<Pod> pods =
          cluster
              .client()
              .pods()
              .inNamespace("gadget")
              .withLabel("app.kubernetes.io/component", "node")
              .informOnCondition(
                  seen ->
                      seen.stream()
                          .anyMatch(
                              pod ->
                                  !pod.getMetadata().getUid().equals(deletedUid)
                                      && Workloads.ready(pod)))
              .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      return pods.stream()
          .filter(pod -> !pod.getMetadata().getUid().equals(deletedUid) && Workloads.ready(pod))
          .findFirst()
          .orElseThrow();
    } catch (Exception e) {
      throw new AssertionError("no new node agent pod became Ready", e);
    }
  }
}
