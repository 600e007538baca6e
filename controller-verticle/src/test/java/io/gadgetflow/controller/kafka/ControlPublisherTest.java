package io.gadgetflow.controller.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.gadgetflow.api.kafka.ControlRecord;
import io.gadgetflow.testing.StreamTraceStarts;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The control record names its node in a header, which the agents of other nodes pass over. */
class ControlPublisherTest {
  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void closeVertx() throws Exception {
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  @Test
  void aPublishedRecordNamesItsNodeInAHeader() throws Exception {
    MockProducer<String, byte[]> producer =
        new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
    ControlPublisher publisher =
        new ControlPublisher(vertx, KafkaProducer.create(vertx, producer), "gadget.control");

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
  }
}
