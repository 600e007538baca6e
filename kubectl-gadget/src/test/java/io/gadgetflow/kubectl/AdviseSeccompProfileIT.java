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

/**
 * {@code kubectl gadget advise seccomp-profile start|list|stop}: start leaves the gadget recording
 * under a trace id, list shows it, stop prints the profile and removes the Traces.
 */
@WithKafka
@WithKubernetes
class AdviseSeccompProfileIT {
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
  void startRecordsUntilStopPrintsTheProfile(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    String traceId = onlyLine(run(cluster, kafka, "start", "-A", "--node", roles.node()));

    assertThat(traceId).matches("[a-z0-9]{16}");
    assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster))
        .as("start leaves its Traces recording")
        .hasSize(1);
    assertThat(run(cluster, kafka, "list"))
        .anySatisfy(row -> assertThat(row).startsWith(traceId).contains(roles.node()));

    JsonNode profile =
        Json.mapper().readTree(onlyLine(run(cluster, kafka, "stop", traceId, "-o", "json")));

    assertThat(profile.path("node").asText()).isEqualTo(roles.node());
    assertThat(profile.path("output").isMissingNode()).isFalse();
    assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).isEmpty();
  }

  @Test
  void stopWithATraceIdNoStartPrintedSaysSo(KubernetesCluster cluster, KafkaBroker kafka)
      throws Exception {
    PluginProcess plugin = plugin(cluster, kafka, "stop", "nosuchtraceid");

    assertThat(plugin.awaitExit(TIMEOUT)).isEqualTo(1);
    assertThat(plugin.stderr())
        .isEqualTo(
            "kubectl-gadget: no seccomp Trace has trace id nosuchtraceid in namespace gadget"
                + " (kubectl gadget advise seccomp-profile list shows them)\n");
  }

  private static List<String> run(KubernetesCluster cluster, KafkaBroker kafka, String... arguments)
      throws Exception {
    PluginProcess plugin = plugin(cluster, kafka, arguments);
    try {
      assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();
      return plugin.remainingStdout();
    } finally {
      plugin.kill();
    }
  }

  private static PluginProcess plugin(
      KubernetesCluster cluster, KafkaBroker kafka, String... arguments) {
    List<String> command = new ArrayList<>(List.of("advise", "seccomp-profile"));
    command.addAll(List.of(arguments));
    command.addAll(List.of("--kubeconfig", cluster.kubeconfig().toString()));
    if (arguments[0].equals("start")) {
      // Only start looks for the nodes that run an agent, which may take the status topic.
      command.addAll(List.of("--kafka-bootstrap", kafka.bootstrapServers()));
    }
    return PluginProcess.start(roles.environment(), command.toArray(String[]::new));
  }

  private static String onlyLine(List<String> lines) {
    assertThat(lines).hasSize(1);
    return lines.getFirst();
  }
}
