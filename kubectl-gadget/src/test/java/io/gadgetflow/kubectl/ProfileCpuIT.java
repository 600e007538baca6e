package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code kubectl gadget profile cpu}: samples until --timeout, then prints the node's stacks from
 * its Trace's {@code status.output} as Inspektor Gadget does, each row followed by its frames.
 */
@WithKafka
@WithKubernetes
class ProfileCpuIT {
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
  void printsTheSampledStacksUnderTheirProcessAfterItsTimeout(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    PluginProcess plugin =
        PluginProcess.start(
            roles.environment(),
            "profile",
            "cpu",
            "-A",
            "--node",
            roles.node(),
            "-K",
            "-F",
            "199",
            "--timeout",
            "8",
            "--kubeconfig",
            cluster.kubeconfig().toString(),
            "--kafka-bootstrap",
            kafka.bootstrapServers());
    try {
      // dd reading /dev/zero works in the kernel, in functions with names.
      while (plugin.isAlive()) {
        Process read =
            new ProcessBuilder("dd", "if=/dev/zero", "of=/dev/null", "bs=64k", "count=5000")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        assertThat(read.waitFor(30, TimeUnit.SECONDS)).isTrue();
      }
      assertThat(plugin.awaitExit(TIMEOUT)).as(plugin.stderr()).isZero();

      List<String> lines = plugin.remainingStdout();
      assertThat(lines)
          .as(plugin.stderr())
          .first()
          .asString()
          .matches("NODE +NAMESPACE +POD +CONTAINER +PID +COMM +COUNT");
      // Rows come most sampled first: dd's first row is where it spent its time, reading. (Its
      // last row may be a few samples taken on the way into the kernel, without vfs_read.)
      int ddRow = -1;
      for (int i = 1; i < lines.size() && ddRow < 0; i++) {
        if (lines.get(i).matches(roles.node() + " +\\d+ +dd +\\d+")) {
          ddRow = i;
        }
      }
      assertThat(ddRow).as("a row of dd in %s", lines).isPositive();
      List<String> frames =
          lines.subList(ddRow + 1, lines.size()).stream()
              .takeWhile(line -> line.startsWith("\t"))
              .toList();
      // -K: kernel frames only, the outermost first, the innermost last.
      assertThat(frames).isNotEmpty().contains("\tvfs_read");
      assertThat(frames.getFirst()).startsWith("\tentry_SYSCALL");
      assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
    } finally {
      plugin.kill();
    }
  }
}
