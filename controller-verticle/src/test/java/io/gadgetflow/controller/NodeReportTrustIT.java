package io.gadgetflow.controller;

import static io.gadgetflow.controller.Harness.TIMEOUT;
import static io.gadgetflow.controller.Harness.hasOperationAnnotation;
import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.EventCounters;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.Trace;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Reports on {@code gadget.status} that the Trace's node did not send, or that answer no operation
 * the controller handed over, are counted and not applied, while the real node's answers still are.
 * Written here the way any holder of a node's Kafka credentials could write them.
 */
@WithKafka
@WithKubernetes
class NodeReportTrustIT {
  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private Harness platform;
  private String node;

  @BeforeEach
  void startPlatform(KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    node = InetAddress.getLocalHost().getHostName();
    platform = new Harness(cluster, kafka, cluster.createNamespace("report-trust"));
    platform.deploy(platform.controller("controller-0", registry));
    platform.deployNode(node);
  }

  @AfterEach
  void stopPlatform() {
    platform.close();
  }

  @Test
  void aReportFromAnotherNodeIsCountedAndNotAppliedWhileTheRealNodesAnswersAre() throws Exception {
    String name = "trust-" + UUID.randomUUID().toString().substring(0, 8);
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    Trace started =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    String uid = started.getMetadata().getUid();

    forge(
        new NodeReport(
            "another-node",
            uid,
            "forged-" + UUID.randomUUID(),
            TraceState.STOPPED,
            null,
            "forged by another node",
            null,
            new EventCounters(999_999, 0),
            Instant.now()));
    awaitRefused("not-its-node", 1);

    Trace after = platform.trace(name).get();
    assertThat(state(after)).isEqualTo(TraceState.STARTED);
    assertThat(after.getStatus().getOperationError()).isNull();
    assertThat(after.getStatus().getEvents()).isLessThan(999_999);

    // The real node's answer to the next operation is still applied.
    platform.annotate(name, "stop");
    Trace stopped =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);
    assertThat(stopped.getStatus().getOperationError()).isNull();
  }

  @Test
  void anAnswerToAnOperationNeverHandedOverIsCountedAndNotApplied() throws Exception {
    String name = "trust-" + UUID.randomUUID().toString().substring(0, 8);
    platform.apply(platform.manifest(name, node, "execsnoop")).requireSuccess();
    platform.annotate(name, "start");
    platform.awaitTrace(name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STARTED);
    platform.annotate(name, "stop");
    Trace stopped =
        platform.awaitTrace(
            name, t -> !hasOperationAnnotation(t) && state(t) == TraceState.STOPPED);

    // From the right node's name, but answering nothing the controller handed over.
    forge(
        new NodeReport(
            node,
            stopped.getMetadata().getUid(),
            "forged-" + UUID.randomUUID(),
            TraceState.STARTED,
            "{\"forged\":true}",
            null,
            null,
            EventCounters.NONE,
            Instant.now()));
    awaitRefused("operation-not-handed-over", 1);

    Trace after = platform.trace(name).get();
    assertThat(state(after)).isEqualTo(TraceState.STOPPED);
    assertThat(after.getStatus().getOutput()).isNull();
  }

  private void forge(NodeReport report) throws Exception {
    try (KafkaProducer<String, String> producer = platform.kafka.producer()) {
      producer
          .send(
              new ProducerRecord<>(
                  platform.topics.status(),
                  report.traceUid(),
                  new String(Json.encode(report), StandardCharsets.UTF_8)))
          .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
  }

  private void awaitRefused(String reason, double count) throws InterruptedException {
    long deadline = System.nanoTime() + TIMEOUT.toNanos();
    while (refused(reason) < count) {
      assertThat(System.nanoTime())
          .as("the controller counted a refused report (%s)", reason)
          .isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(refused(reason)).isEqualTo(count);
  }

  private double refused(String reason) {
    Counter counter =
        registry.find("gadgetflow.controller.reports.refused").tag("reason", reason).counter();
    return counter == null ? 0 : counter.count();
  }

  private static TraceState state(Trace trace) {
    return trace.getStatus() == null ? null : trace.getStatus().getState();
  }
}
