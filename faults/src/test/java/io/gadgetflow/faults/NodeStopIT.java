package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.local.kafka.KafkaCluster;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gadgetflow node} as its DaemonSet runs it, stopped as Kubernetes stops its pod (SIGTERM)
 * while its only broker is dead and a Trace's events wait for Kafka: the agent ends within the
 * pod's grace period (30 s) with exit code 0, an orderly stop, and says how many events it could
 * not send, each counted as lost; no part is reported dead. Before, the JVM's handling of SIGTERM
 * made every stop exit 143, and a stop during an outage took over a minute (killed by the grace
 * period's SIGKILL in a pod).
 */
class NodeStopIT {
  private static final Logger LOG = LoggerFactory.getLogger(NodeStopIT.class);
  private static final Pattern UNSENT =
      Pattern.compile("([0-9]+) events could not be sent to Kafka before the stop");

  /** Processes started while the broker is dead: each one an exec event the agent must keep. */
  private static final int EXECS_DURING_OUTAGE = 200;

  @Test
  void anAgentStoppedWhileKafkaIsDeadExitsZeroWithinItsGraceAndCountsWhatItCouldNotSend(
      @TempDir Path scratch) throws Exception {
    String node = "node-stop-" + UUID.randomUUID().toString().substring(0, 8);
    Path logs = Files.createDirectories(Path.of("target", "node-stop"));
    try (KafkaCluster cluster = FaultSteps.startCluster(scratch, 1);
        RoleProcess agent =
            RoleProcess.start(
                "node",
                node,
                Map.of(
                    "GADGETFLOW_KAFKA_BOOTSTRAP_SERVERS",
                    cluster.bootstrapServers(),
                    "GADGETFLOW_CONTAINER_AWARENESS",
                    "false"),
                logs)) {
      awaitLogged(agent, "control topic read");
      String uid = UUID.randomUUID().toString();
      FaultSteps.publishStart(
          cluster.bootstrapServers(),
          TopicNames.DEFAULTS.control(),
          uid,
          node,
          OutputMode.STREAM,
          null);
      awaitLogged(agent, "action=gadget-started");

      cluster.kill(1);
      for (int i = 0; i < EXECS_DURING_OUTAGE; i++) {
        new ProcessBuilder("/bin/true", "node-stop-" + i).start().waitFor();
      }
      long stopStart = System.nanoTime();
      agent.terminate();
      Integer exitCode = agent.awaitExit(RoleProcess.GRACE);
      Duration stopTime = Duration.ofNanos(System.nanoTime() - stopStart);
      String log = agent.log();
      LOG.info(
          "The node agent stopped on SIGTERM in {} ms with its broker dead", stopTime.toMillis());

      assertThat(exitCode)
          .as(
              "the agent ends within its pod's grace period (%s), exit 0:%n%s",
              RoleProcess.GRACE, log)
          .isEqualTo(0);
      Matcher unsent = UNSENT.matcher(log);
      assertThat(unsent.find())
          .as("the agent says how many events it could not send:%n%s", log)
          .isTrue();
      // Most of the processes' events at least: the last ones' may still have been in the
      // kernel's ring when the gadget was unloaded.
      assertThat(Long.parseLong(unsent.group(1)))
          .as("events made while Kafka was dead, counted as not sent")
          .isGreaterThanOrEqualTo(EXECS_DURING_OUTAGE / 2);
      assertThat(log).as("no part of the agent died").doesNotContain(" died: ");
    }
  }

  private static void awaitLogged(RoleProcess agent, String text) throws InterruptedException {
    FaultSteps.awaitCondition(
        () -> {
          assertThat(agent.isAlive()).as("the agent runs").isTrue();
          return agent.logged(text);
        },
        FaultSteps.START_TIMEOUT,
        "the agent logged no \"" + text + "\"");
  }
}
