package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.time.Duration;
import java.util.UUID;
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
        plugin.awaitExecOf("node-failure-it-" + UUID.randomUUID(), TIMEOUT);

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
}
