package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.local.kube.ControlPlaneBinaries;
import io.gadgetflow.local.kube.LocalControlPlane;
import io.gadgetflow.local.kube.LocalControlPlaneConfig;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.WithKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API server goes away while kubectl gadget runs, so it cannot delete its Traces: it says so,
 * and the next run on this machine deletes them once the API server is back. The API server is this
 * test's own, since it is stopped and started again.
 */
@WithKafka
class ApiServerFailureIT {
  static final Duration TIMEOUT = Duration.ofSeconds(90);

  @Test
  void tracesLeftBehindWhileTheApiServerWasDownAreDeletedByTheNextRun(
      KafkaBroker kafka, @TempDir Path data) throws Exception {
    // The same port after the restart, so the kubeconfig stays valid.
    LocalControlPlaneConfig config =
        LocalControlPlaneConfig.inDirectory(ControlPlaneBinaries.fromEnvironment(), data)
            .withApiServerPort(freePort());
    List<String> leftBehind;
    LocalControlPlane kube = LocalControlPlane.start(config);
    try (KubernetesClient client = kube.newClient()) {
      GadgetFlowRoles roles = GadgetFlowRoles.start(client, kafka);
      GadgetFlowRoles.registerNodes(client, roles.node());
      PluginProcess plugin = plugin(roles, kafka, config, "trace", "exec", "-o", "json", "-A");
      try {
        plugin.awaitExecOf("api-server-failure-it-" + UUID.randomUUID(), TIMEOUT);
        leftBehind =
            GadgetFlowRoles.tracesOfThePlugin(client).stream()
                .map(trace -> trace.getMetadata().getName())
                .toList();
        assertThat(leftBehind).hasSize(1);

        // The roles first: a controller stopping without its API server takes long to give up.
        roles.close();
        kube.close();
        plugin.interrupt();

        assertThat(plugin.awaitExit(TIMEOUT)).isEqualTo(130);
        assertThat(plugin.stderr())
            .contains(
                "kubectl-gadget: cannot delete the Traces labelled global-trace-id=",
                "the next kubectl gadget run on this machine deletes them");
      } finally {
        plugin.kill();
        roles.close();
      }
    } finally {
      kube.close();
    }

    try (LocalControlPlane restarted = LocalControlPlane.start(config);
        KubernetesClient client = restarted.newClient();
        GadgetFlowRoles roles = GadgetFlowRoles.start(client, kafka)) {
      assertThat(GadgetFlowRoles.tracesOfThePlugin(client))
          .extracting(trace -> trace.getMetadata().getName())
          .isEqualTo(leftBehind);

      PluginProcess next =
          plugin(roles, kafka, config, "trace", "exec", "--node", roles.node(), "--timeout", "1");
      try {
        assertThat(next.awaitExit(TIMEOUT)).as(next.stderr()).isZero();
        assertThat(next.stderr())
            .startsWith(
                "kubectl-gadget: deleted Trace gadget/%s, left behind by an earlier run"
                    .formatted(leftBehind.getFirst()));
      } finally {
        next.kill();
      }
      for (Trace trace : GadgetFlowRoles.tracesOfThePlugin(client)) {
        client
            .resource(trace)
            .waitUntilCondition(Objects::isNull, TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      }
      assertThat(GadgetFlowRoles.tracesOfThePlugin(client)).isEmpty();
    }
  }

  private static PluginProcess plugin(
      GadgetFlowRoles roles, KafkaBroker kafka, LocalControlPlaneConfig config, String... args) {
    List<String> command = new ArrayList<>(List.of(args));
    command.addAll(
        List.of(
            "--kubeconfig",
            config.kubeconfig().toString(),
            "--kafka-bootstrap",
            kafka.bootstrapServers()));
    return PluginProcess.start(roles.environment(), command.toArray(String[]::new));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
