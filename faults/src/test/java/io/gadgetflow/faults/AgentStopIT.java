package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.OutputMode;
import io.gadgetflow.local.kafka.KafkaCluster;
import io.gadgetflow.node.NodeConfig;
import io.gadgetflow.node.NodeVerticle;
import io.gadgetflow.node.trace.GadgetLoader;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An orderly stop of the node agent while its broker is unreachable is no crash: the agent's stop
 * closes its event producer under a sender still waiting for Kafka, and the sender's end must not
 * count as a part that died (which would have {@code gadgetflow node} exit 70 on a SIGTERM), and
 * the stop ends within a pod's grace period, though an operation's answer still waits for Kafka.
 */
class AgentStopIT {
  private static final Logger LOG = LoggerFactory.getLogger(AgentStopIT.class);
  private static final String NODE = "stop-node";
  private static final String SENDER = "gadgetflow-event-sender";
  private static final Duration STOP_TIMEOUT = Duration.ofMinutes(2);

  @Test
  void anAgentStoppedWhileItsBrokerIsDownStopsWithoutAnyPartDying(@TempDir Path scratch)
      throws Exception {
    CountDownLatch loading = new CountDownLatch(1);
    CountDownLatch brokerGone = new CountDownLatch(1);
    Vertx vertx = Vertx.vertx();
    try (KafkaCluster cluster = FaultSteps.startCluster(scratch, 1);
        NumberedEvents events = new NumberedEvents(1000, NODE)) {
      String bootstrap = cluster.bootstrapServers();
      // The gadget loads once the broker is gone: the producer then never learnt where the events
      // topic lives, and its sender waits for Kafka in its first send (up to max.block.ms), as a
      // sender does on any outage once the producer's buffer is full.
      GadgetLoader onceTheBrokerIsGone =
          (program, filtered, ringBytes, parameters, sink, nodeName, containers) -> {
            loading.countDown();
            try {
              brokerGone.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              throw new IllegalStateException(e);
            }
            return events.load(
                program, filtered, ringBytes, parameters, sink, nodeName, containers);
          };
      NodeVerticle agent =
          FaultSteps.deployAgent(vertx, NodeConfig.defaults(NODE, bootstrap), onceTheBrokerIsGone);
      FaultSteps.publishStart(
          bootstrap,
          TopicNames.DEFAULTS.control(),
          UUID.randomUUID().toString(),
          NODE,
          OutputMode.STREAM,
          null);
      assertThat(loading.await(FaultSteps.START_TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("the agent loads the Trace's gadget")
          .isTrue();
      cluster.kill(1);
      brokerGone.countDown();
      FaultSteps.awaitCondition(
          () -> events.emitted() >= 100, Duration.ofMinutes(1), "the gadget emitted no event");

      long stopStart = System.nanoTime();
      vertx
          .close()
          .toCompletionStage()
          .toCompletableFuture()
          .get(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS);
      Duration stopTime = Duration.ofNanos(System.nanoTime() - stopStart);
      LOG.info("The agent stopped in {} ms with its broker down", stopTime.toMillis());
      // The Trace's answer to its start still waits for the events topic's leader (up to a
      // minute, max.block.ms): the stop no longer waits for it (75 s before).
      assertThat(stopTime)
          .as("the stop ends within a pod's grace period")
          .isLessThan(RoleProcess.GRACE);
      // The sender ends after the producer closed under it: only then would its death be told.
      for (Thread thread : Thread.getAllStackTraces().keySet()) {
        if (thread.getName().equals(SENDER)) {
          thread.join(STOP_TIMEOUT.toMillis());
          assertThat(thread.isAlive()).as("the event sender ended").isFalse();
        }
      }

      assertThat(agent.supervision().failure()).as("a part that died").isEmpty();
    }
  }
}
