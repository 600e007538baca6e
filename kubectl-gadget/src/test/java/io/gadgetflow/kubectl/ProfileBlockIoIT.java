package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl gadget profile block-io}: runs until --timeout, then prints the node's latency
 * histogram from its Trace's {@code status.output}.
 */
@WithKafka
@WithKubernetes
class ProfileBlockIoIT {
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
  void printsTheHistogramOfTheBlockIoItSawAfterItsTimeout(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    PluginProcess plugin =
        PluginProcess.start(
            roles.environment(),
            "profile",
            "block-io",
            "--node",
            roles.node(),
            "--timeout",
            "10",
            "--kubeconfig",
            cluster.kubeconfig().toString(),
            "--kafka-bootstrap",
            kafka.bootstrapServers());
    // Direct writes to a file on the disk (target/ is not a tmpfs) reach the block layer at once.
    Path file = Path.of("target", "block-io-" + UUID.randomUUID());
    try {
      while (plugin.isAlive()) {
        Process write =
            new ProcessBuilder(
                    "dd", "if=/dev/zero", "of=" + file, "bs=4k", "count=64", "oflag=direct")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(write.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();

      List<String> lines = plugin.remainingStdout();
      assertThat(lines).as(plugin.stderr()).startsWith("NODE " + roles.node());
      assertThat(lines.get(1)).matches(" *usecs +: count +distribution");
      assertThat(lines.subList(2, lines.size()))
          .isNotEmpty()
          .allMatch(row -> row.matches(" *\\d+ -> \\d+ +: \\d+ +\\|[* ]{40}\\|"))
          .anyMatch(row -> row.contains("*"));
      assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
    } finally {
      plugin.kill();
      Files.deleteIfExists(file);
    }
  }
}
