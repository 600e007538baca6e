package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.time.Duration;
import java.util.ArrayList;
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
      // Each row (a process and one of its stacks) is followed by its frames. dd spends its time
      // reading, but on a busy machine a dd may be sampled only a few times, on its way into the
      // kernel or writing: one of its stacks, not a given one, holds the read.
      List<List<String>> ddStacks = new ArrayList<>();
      for (int i = 1; i < lines.size(); i++) {
        if (lines.get(i).matches(roles.node() + " +\\d+ +dd +\\d+")) {
          ddStacks.add(
              lines.subList(i + 1, lines.size()).stream()
                  .takeWhile(line -> line.startsWith("\t"))
                  .toList());
        }
      }
      assertThat(ddStacks).as("rows of dd in %s", lines).isNotEmpty();
      // -K: kernel frames only, named, the outermost first, the innermost last.
      assertThat(ddStacks)
          .as("dd's stacks in %s", lines)
          .anySatisfy(
              frames -> {
                assertThat(frames).contains("\tvfs_read");
                assertThat(frames.getFirst()).startsWith("\tentry_SYSCALL");
              });
      assertThat(GadgetFlowRoles.tracesOfThePlugin(cluster)).as(plugin.stderr()).isEmpty();
    } finally {
      plugin.kill();
    }
  }
}
