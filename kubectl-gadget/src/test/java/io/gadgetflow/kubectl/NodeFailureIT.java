package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The node agent goes away while kubectl gadget streams from it: Ctrl-C still ends the run in
 * bounded time, the node's silence is reported, and no Trace remains. Its own roles, since the node
 * agent is stopped.
 */
@WithKafka
@WithKubernetes
class NodeFailureIT {
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void aNodeThatStopsAnsweringMidRunIsReportedAndItsTraceStillGoes(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    try (GadgetFlowRoles roles = GadgetFlowRoles.start(cluster, kafka)) {
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "trace",
              "exec",
              "-o",
              "json",
              "-A",
              "--node",
              roles.node(),
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        runUntilAnExecIsSeen(plugin);

        roles.stopNodeAgent();
        plugin.interrupt();

        // The controller gives up on the stop after its operation timeout (4 s here), and on the
        // deletion after its deletion timeout; the plugin waits for neither longer than its own.
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isEqualTo(130);
        assertThat(plugin.stderr())
            .contains(
                "kubectl-gadget: node %s: Node \"%s\" did not answer operation \"stop\""
                    .formatted(roles.node(), roles.node()));
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    }
  }

  /** Runs {@code /bin/true <marker>} until the plugin prints the event of one. */
  private static void runUntilAnExecIsSeen(PluginProcess plugin) throws Exception {
    String marker = "node-failure-it-" + UUID.randomUUID();
    Instant deadline = Instant.now().plus(TIMEOUT);
    while (Instant.now().isBefore(deadline)) {
      Process traced = new ProcessBuilder("/bin/true", marker).start();
      assertThat(traced.waitFor(10, TimeUnit.SECONDS)).isTrue();
      for (String line = plugin.nextLine(Duration.ofSeconds(2));
          line != null;
          line = plugin.nextLine(Duration.ofMillis(200))) {
        if (line.contains(marker)) {
          return;
        }
      }
    }
    throw new AssertionError("no exec event with " + marker + "; stderr: " + plugin.stderr());
  }
}
