package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
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
        awaitExec(plugin);
        List<Trace> traces = GadgetFlowRoles.tracesOfThePlugin(cluster);
        assertThat(traces).hasSize(1);
        int written =
            kafka.writePoison(
                roles.topics().events(),
                traces.getFirst().getMetadata().getUid(),
                "{\"timestamp\":1,\"type\":\"normal\",\"pid\":4,\"comm\":\"true\",\"node\":\"n\"}"
                    .getBytes(StandardCharsets.UTF_8));

        awaitExec(plugin);

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

  /** Runs {@code /bin/true <marker>} until the plugin prints the event of one. */
  private static void awaitExec(PluginProcess plugin) throws Exception {
    String marker = "poisoned-events-it-" + UUID.randomUUID();
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
