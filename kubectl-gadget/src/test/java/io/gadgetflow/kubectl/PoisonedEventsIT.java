package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Records of every wrong shape, written to the real broker's events topic under the key of the
 * Trace kubectl gadget streams: it skips them, tells each kind once on stderr, and goes on printing
 * the node's events.
 */
@WithKafka
@WithKubernetes
class PoisonedEventsIT {
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void poisonedEventsAreSkippedToldOnceAndTheRunGoesOn(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
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
        plugin.awaitExecOf("poisoned-events-it-" + UUID.randomUUID(), TIMEOUT);
        List<Trace> traces = GadgetFlowRoles.tracesOfThePlugin(cluster);
        assertThat(traces).hasSize(1);
        int written =
            kafka.writePoison(
                roles.topics().events(),
                traces.getFirst().getMetadata().getUid(),
                "{\"timestamp\":1,\"type\":\"normal\",\"pid\":4,\"comm\":\"true\",\"node\":\"n\"}"
                    .getBytes(StandardCharsets.UTF_8));

        plugin.awaitExecOf("poisoned-events-it-" + UUID.randomUUID(), TIMEOUT);

        assertThat(written).isGreaterThan(10);
        assertThat(plugin.stderr())
            .contains("kubectl-gadget: events skipped a record at " + roles.topics().events())
            .contains("not-json")
            .contains("wrong-shape");
        assertThat(plugin.stderr().lines().filter(line -> line.contains("not-json")).count())
            .as("each kind told once")
            .isEqualTo(1);
      } finally {
        plugin.kill();
      }
    }
  }
}
