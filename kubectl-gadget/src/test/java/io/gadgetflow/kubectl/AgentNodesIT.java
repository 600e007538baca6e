package io.gadgetflow.kubectl;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.api.trace.TraceState;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.KubernetesCluster;
import io.gadgetflow.testing.WithKafka;
import io.gadgetflow.testing.WithKubernetes;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.Test;

/** Node discovery against the run's real API server and broker. */
@WithKafka
@WithKubernetes
class AgentNodesIT {
  @Test
  void theStatusTopicNamesTheNodesWhoseAgentsReportedWithinTheWindow(KafkaBroker kafka)
      throws Exception {
    String topic = kafka.createTopic("status");
    Instant now = Instant.now();
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      report(producer, topic, "node-b", now.minusSeconds(60));
      report(producer, topic, "node-a", now.minusSeconds(30));
      report(producer, topic, "node-a", now);
      report(producer, topic, "long-gone", now.minus(AgentNodes.STATUS_WINDOW).minusSeconds(60));
      producer.send(new ProducerRecord<>(topic, null, now.toEpochMilli(), "uid", "not json")).get();
    }

    List<String> nodes =
        AgentNodes.fromStatusTopic(clients(kafka), topic, now.minus(AgentNodes.STATUS_WINDOW));

    assertThat(nodes).containsExactly("node-a", "node-b");
  }

  @Test
  void nodeObjectsComeFirstAndANamedNodeBeforeEverything(
      KubernetesCluster cluster, KafkaBroker kafka) throws Exception {
    String topic = kafka.createTopic("status");
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      report(producer, topic, "reported-node", Instant.now());
    }
    Node registered =
        cluster
            .client()
            .nodes()
            .resource(
                new NodeBuilder().withNewMetadata().withName("kubelet-node").endMetadata().build())
            .create();
    try {
      AgentNodes.Found fromCluster =
          AgentNodes.discover(null, cluster.client(), clients(kafka), topic, Instant.now());
      AgentNodes.Found named =
          AgentNodes.discover("named-node", cluster.client(), clients(kafka), topic, Instant.now());

      assertThat(fromCluster.names()).contains("kubelet-node").doesNotContain("reported-node");
      assertThat(fromCluster.source()).isEqualTo("the cluster's Node objects");
      assertThat(named.names()).containsExactly("named-node");
    } finally {
      cluster.client().resource(registered).delete();
    }
  }

  private static void report(
      KafkaProducer<String, String> producer, String topic, String node, Instant at)
      throws Exception {
    NodeReport report =
        new NodeReport(node, "uid-" + node, "op", TraceState.STARTED, null, null, null, null, at);
    producer
        .send(
            new ProducerRecord<>(
                topic,
                null,
                at.toEpochMilli(),
                report.traceUid(),
                new String(Json.encode(report), StandardCharsets.UTF_8)))
        .get(30, TimeUnit.SECONDS);
  }

  private static KafkaClients clients(KafkaBroker kafka) {
    return new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT);
  }
}
