package io.gadgetflow.faults;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.TopicNames;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.api.trace.TraceStatus;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.NodeKeyDirectory;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Operations annotated while the node agent is down (killed with SIGKILL), with the real controller
 * driving: the controller hands them over to the control topic, where the restarted agent reads
 * them as its traces' state, not as operations to run. It must answer them all the same, or the
 * Traces show the controller's "did not answer" for good, though they did stop.
 */
@WithKafka
@WithKubernetes
class AgentDownOperationsIT {
  private static final String NODE = "faults-agent-down-node";
  private static final double RATE = 100;
  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  /** The restarted agent's events are numbered apart from the killed one's. */
  private static final long RESTARTED_FIRST = 10_000_000;

  /** Longer than the controller's status counters interval (1 s here), with room to spare. */
  private static final Duration COUNTERS_SETTLED = Duration.ofSeconds(4);

  private final KubernetesCluster cluster;
  private final KafkaBroker kafka;
  private Path logs;
  private Map<String, String> agentEnvironment;
  private AgentProcess agent;
  private ControllerProcess controller;
  private OperationLedger ledger;

  AgentDownOperationsIT(KubernetesCluster cluster, KafkaBroker kafka) {
    this.cluster = cluster;
    this.kafka = kafka;
  }

  @BeforeEach
  void platform() throws Exception {
    logs = Files.createDirectories(Path.of("target", "agent-down-operations"));
    String namespace = cluster.createNamespace("faults-agent-down");
    TopicNames topics = FaultTopics.create(kafka);
    Path nodeKeys = NodeKeyDirectory.temporary();
    agentEnvironment =
        Map.of(
            "GADGETFLOW_TOPIC_CONTROL", topics.control(),
            "GADGETFLOW_TOPIC_STATUS", topics.status(),
            "GADGETFLOW_TOPIC_EVENTS", topics.events(),
            "GADGETFLOW_TOPIC_NODES", topics.nodes(),
            "GADGETFLOW_NODE_KEY_DIRECTORY", nodeKeys.toString());
    agent = startAgent(0, "agent-1.log");
    // The node's silence shows sooner than with the default 10 s.
    controller =
        ControllerProcess.start(
            "replica-1",
            ControllerProcess.Settings.of(
                    cluster.kubeconfig(), kafka.bootstrapServers(), topics, namespace, nodeKeys)
                .withOperationTimeout(Duration.ofSeconds(5)),
            logs);
    ledger = new OperationLedger(cluster, namespace, kafka.bootstrapServers(), topics, TIMEOUT);
  }

  @AfterEach
  void stop() throws Exception {
    if (controller != null) {
      controller.close();
    }
    if (agent != null) {
      agent.close();
    }
  }

  @Test
  void theRestartedAgentAnswersTheStopsPublishedWhileItWasDown() throws Exception {
    ledger.create("stopped-before", NODE, "execsnoop", "Stream", null);
    ledger.create("stopped-meanwhile", NODE, "execsnoop", "Stream", null);
    ledger.create("profile-stopped-meanwhile", NODE, "biolatency", "Status", null);
    ledger.create("running", NODE, "execsnoop", "Stream", null);
    String[] all = {"stopped-before", "stopped-meanwhile", "profile-stopped-meanwhile", "running"};
    for (String name : all) {
      ledger.annotate(name, "start");
    }
    ledger.awaitState(TraceState.STARTED, all);
    ledger.await("events counted", () -> events("stopped-before") > 0);
    ledger.annotate("stopped-before", "stop");
    ledger.awaitState(TraceState.STOPPED, "stopped-before");
    long eventsBefore = events("stopped-before");

    agent.kill();
    ledger.annotate("stopped-meanwhile", "stop");
    ledger.annotate("profile-stopped-meanwhile", "stop");
    for (String name : List.of("stopped-meanwhile", "profile-stopped-meanwhile")) {
      ledger.await(
          name + " shows the node silent",
          () -> {
            String error = status(name).getOperationError();
            return error != null && error.contains("did not answer operation \"stop\"");
          });
    }

    agent = startAgent(RESTARTED_FIRST, "agent-2.log");
    ledger.await(
        "the stops published while the agent was down answered",
        () ->
            answeredWithoutError("stopped-meanwhile", TraceState.STOPPED)
                && answeredWithoutError("profile-stopped-meanwhile", TraceState.COMPLETED));
    ledger.awaitState(TraceState.STARTED, "running");
    assertThat(status("profile-stopped-meanwhile").getOperationWarning())
        .as("the profile's report went with the killed agent, and the Trace says so")
        .contains("restarted while the gadget ran: its report was lost");

    // The restarted agent answers the stop of stopped-before again, with a gadget's first
    // counters: the Trace keeps what its first answer said.
    long deadline = System.nanoTime() + COUNTERS_SETTLED.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(events("stopped-before"))
          .as("stopped-before keeps its final counters")
          .isEqualTo(eventsBefore);
      assertThat(status("stopped-before").getState()).isEqualTo(TraceState.STOPPED);
      TimeUnit.MILLISECONDS.sleep(200);
    }

    Map<String, List<String>> handedOver =
        OperationAssertions.assertEveryOperationHandedOverOnce(ledger);
    // The restarted agent answers every trace's last operation again: the resumed start of
    // "running", the stop of "stopped-before". Those it read while down, once.
    OperationAssertions.assertAnsweredOnce(
        ledger, handedOver, List.of("stopped-meanwhile", "profile-stopped-meanwhile"));
  }

  private boolean answeredWithoutError(String name, TraceState state) {
    TraceStatus status = status(name);
    return ledger.taken(name) && status.getState() == state && status.getOperationError() == null;
  }

  private long events(String name) {
    Long events = status(name).getEvents();
    return events == null ? 0 : events;
  }

  private TraceStatus status(String name) {
    TraceStatus status = ledger.trace(name).get().getStatus();
    return status == null ? new TraceStatus() : status;
  }

  private AgentProcess startAgent(long firstSequence, String log) throws Exception {
    return AgentProcess.start(
        kafka.bootstrapServers(),
        NODE,
        RATE,
        firstSequence,
        agentEnvironment,
        logs.resolve(log),
        FaultSteps.START_TIMEOUT);
  }
}
