package io.gadgetflow.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.kafka.ControlPartitions;
import io.gadgetflow.testing.StreamTraceStarts;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.Cluster;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control record goes to its node's partition and names its node in a header, which the agents
 * of the other nodes of that partition pass over; its tombstone goes to the same partition.
 */
class ControlPublisherTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static final String TOPIC = "gadget.control";
  private static final int PARTITIONS = 8;

  private final MockProducer<String, byte[]> producer =
      new MockProducer<>(
          controlTopic(), true, null, new StringSerializer(), new ByteArraySerializer());
  private final ControlPublisher publisher =
      new ControlPublisher(vertx, KafkaProducer.create(vertx, producer), TOPIC);

  @Test
  void aPublishedRecordGoesToItsNodesPartitionAndNamesItsNodeInAHeader() throws Exception {
    publisher
        .publish(
            StreamTraceStarts.of(
                "exec",
                "uid-1",
                "node-7",
                "execsnoop",
                "op-1",
                Instant.parse("2026-12-07T01:00:00Z")))
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    ProducerRecord<String, byte[]> sent = producer.history().getFirst();
    Header node = sent.headers().lastHeader(ControlRecord.NODE_HEADER);
    assertThat(node).isNotNull();
    assertThat(new String(node.value(), StandardCharsets.UTF_8)).isEqualTo("node-7");
    assertThat(sent.key()).isEqualTo("uid-1");
    assertThat(sent.partition()).isEqualTo(ControlPartitions.of("node-7", PARTITIONS));
  }

  @Test
  void aTombstoneGoesToItsNodesPartition() throws Exception {
    publisher
        .tombstone("uid-1", "node-7")
        .toCompletionStage()
        .toCompletableFuture()
        .get(10, TimeUnit.SECONDS);

    ProducerRecord<String, byte[]> sent = producer.history().getFirst();
    assertThat(sent.key()).isEqualTo("uid-1");
    assertThat(sent.value()).isNull();
    assertThat(sent.partition()).isEqualTo(ControlPartitions.of("node-7", PARTITIONS));
  }

  /** A broker's metadata with the control topic in {@link #PARTITIONS} partitions. */
  private static Cluster controlTopic() {
    Node broker = new Node(1, "localhost", 9092);
    return new Cluster(
        "cluster",
        List.of(broker),
        IntStream.range(0, PARTITIONS)
            .mapToObj(
                partition ->
                    new PartitionInfo(
                        TOPIC, partition, broker, new Node[] {broker}, new Node[] {broker}))
            .toList(),
        Set.of(),
        Set.of());
  }
}
