package io.gadgetflow.node.control;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.health.Supervision;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.ControlPartitions;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.KafkaSecurity;
import io.gadgetflow.kafka.SkippedRecords;
import io.gadgetflow.testing.KafkaBroker;
import io.gadgetflow.testing.StreamTraceStarts;
import io.gadgetflow.testing.WithKafka;
import io.vertx.core.Vertx;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.management.ObjectName;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An agent's control reader fetches its node's partition of a control topic of several, not the
 * others: by the Kafka consumer's own count of the records it fetched, since the records of other
 * nodes would be passed over, not delivered, even if fetched.
 */
@WithKafka
class ControlReaderIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int PARTITIONS = 4;
  private static final int OTHER_NODE_RECORDS = 20;

  private final Vertx vertx = Vertx.vertx();
  private KafkaBroker kafka;
  private String topic;

  @BeforeEach
  void createTopic(KafkaBroker kafka) {
    this.kafka = kafka;
    topic = kafka.createTopic("control-by-node", PARTITIONS);
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void anAgentFetchesOnlyItsNodesPartition() throws Exception {
    String node = "reader-node-" + System.nanoTime();
    String elsewhere = nodeOfAnotherPartition(node);
    try (KafkaProducer<String, String> producer = kafka.producer()) {
      write(producer, start("own", node));
      for (int i = 0; i < OTHER_NODE_RECORDS; i++) {
        write(producer, start("other-" + i, elsewhere));
      }
    }

    Delivered own = read(node);
    Delivered other = read(elsewhere);

    assertThat(own.uids).containsExactly("own");
    assertThat(other.uids).hasSize(OTHER_NODE_RECORDS);
    assertThat(own.recordsFetched).isEqualTo(1);
    assertThat(other.recordsFetched).isEqualTo(OTHER_NODE_RECORDS);
  }

  /** A node name whose records go to another partition than {@code node}'s. */
  private static String nodeOfAnotherPartition(String node) {
    int partition = ControlPartitions.of(node, PARTITIONS);
    for (int i = 0; ; i++) {
      String other = node + "-other-" + i;
      if (ControlPartitions.of(other, PARTITIONS) != partition) {
        return other;
      }
    }
  }

  private static ControlRecord start(String uid, String node) {
    return StreamTraceStarts.of(
        "trace-" + uid, uid, node, "execsnoop", uid + "/start", Instant.now());
  }

  /** As the controller writes it: in its node's partition, with the node header. */
  private void write(KafkaProducer<String, String> producer, ControlRecord record)
      throws Exception {
    ProducerRecord<String, String> placed =
        new ProducerRecord<>(
            topic,
            ControlPartitions.of(producer, topic, record.node()),
            record.traceUid(),
            new String(Json.encode(record), StandardCharsets.UTF_8));
    placed.headers().add(ControlRecord.NODE_HEADER, record.node().getBytes(StandardCharsets.UTF_8));
    producer.send(placed).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  /** What {@code node}'s reader delivered, and fetched, by the time it said it caught up. */
  private Delivered read(String node) throws Exception {
    Delivered delivered = new Delivered();
    try (ControlReader reader =
        ControlReader.start(
            new KafkaClients(kafka.bootstrapServers(), KafkaSecurity.PLAINTEXT),
            topic,
            node,
            vertx.getOrCreateContext(),
            delivered,
            new SkippedRecords("control-reader-it", detail -> {}),
            new Supervision())) {
      assertThat(delivered.caughtUp.await(TIMEOUT.toSeconds(), TimeUnit.SECONDS))
          .as("caught up")
          .isTrue();
      // Read while the reader is open: its consumer's metrics go with it.
      delivered.recordsFetched = recordsFetched(node);
      return delivered;
    }
  }

  /** The records {@code node}'s reader fetched of the topic, by its Kafka consumer's metrics. */
  private double recordsFetched(String node) throws Exception {
    ObjectName name =
        new ObjectName(
            "kafka.consumer:type=consumer-fetch-manager-metrics,client-id=gadgetflow-node-control-"
                + node
                + ",topic="
                + topic);
    return (Double)
        ManagementFactory.getPlatformMBeanServer().getAttribute(name, "records-consumed-total");
  }

  private static final class Delivered implements ControlReader.Listener {
    final BlockingQueue<String> uids = new LinkedBlockingQueue<>();
    final CountDownLatch caughtUp = new CountDownLatch(1);
    double recordsFetched;

    @Override
    public void onRecord(String traceUid, ControlRecord record) {
      uids.add(traceUid);
    }

    @Override
    public void onCaughtUp() {
      caughtUp.countDown();
    }
  }
}
