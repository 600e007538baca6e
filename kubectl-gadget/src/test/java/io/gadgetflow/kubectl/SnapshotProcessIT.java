package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code kubectl gadget snapshot process}: collects once, prints, and leaves no Trace. */
@WithKafka
@WithKubernetes
class SnapshotProcessIT {
  static final Duration TIMEOUT = Duration.ofSeconds(60);

  static GadgetFlowRoles roles;

  @BeforeAll
  static void startControllerAndNodeAgent(KubernetesCluster cluster, KafkaBroker kafka) {
    roles = GadgetFlowRoles.start(cluster, kafka);
  }

  @AfterAll
  static void stopControllerAndNodeAgent() {
    if (roles != null) {
      roles.close();
    }
  }

  @Test
  void printsTheProcessesOfTheNodeOnceAsJson(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    Process sleeper = new ProcessBuilder("sleep", "600").start();
    try {
      PluginProcess plugin =
          PluginProcess.start(
              roles.environment(),
              "snapshot",
              "process",
              "-A",
              "--node",
              roles.node(),
              "-o",
              "json",
              "--kubeconfig",
              cluster.kubeconfig().toString(),
              "--kafka-bootstrap",
              kafka.bootstrapServers());
      try {
        assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();

        JsonNode result = Json.mapper().readTree(plugin.remainingStdout().getFirst());
        assertThat(result.path("node").asText()).isEqualTo(roles.node());
        List<Long> pids = new ArrayList<>();
        result.path("output").forEach(process -> pids.add(process.path("pid").asLong()));
        assertThat(pids).contains(sleeper.pid());
        assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
      } finally {
        plugin.kill();
      }
    } finally {
      sleeper.destroy();
    }
  }
}
