package io.gadgetflow.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaConsumer;
import io.vertx.kafka.client.consumer.KafkaConsumerRecord;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.vertx.kafka.client.producer.RecordMetadata;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.utils.AppInfoParser;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The combination the node agent and the controller run: the Vert.x Kafka client on the broker's
 * kafka-clients version, not the older one vertx-kafka-client declares.
 */
@WithKafka
class VertxKafkaClientIT {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  private Vertx vertx;

  @BeforeEach
  void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterEach
  void closeVertx() throws Exception {
    vertx
        .close()
        .toCompletionStage()
        .toCompletableFuture()
        .get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }

  @Test
  void kafkaClientsIsTheBrokersVersion() {
    assertThat(AppInfoParser.getVersion()).isEqualTo("4.1.1");
  }

  @Test
  void vertxProducerAndConsumerRoundTrip(KafkaBroker kafka) throws Exception {
    String topic = kafka.createTopic("vertx", 2);
    List<KafkaConsumerRecord<String, String>> received = new CopyOnWriteArrayList<>();
    CompletableFuture<Void> allReceived = new CompletableFuture<>();
    KafkaConsumer<String, String> consumer =
        KafkaConsumer.create(
            vertx,
            Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "group.id", topic + "-readers",
                "auto.offset.reset", "earliest",
                "key.deserializer", "org.apache.kafka.common.serialization.StringDeserializer",
                "value.deserializer", "org.apache.kafka.common.serialization.StringDeserializer"));
    consumer.handler(
        record -> {
          received.add(record);
          if (received.size() == 2) {
            allReceived.complete(null);
          }
        });
    await(consumer.subscribe(topic).toCompletionStage().toCompletableFuture());

    KafkaProducer<String, String> producer =
        KafkaProducer.create(
            vertx,
            Map.of(
                "bootstrap.servers", kafka.bootstrapServers(),
                "key.serializer", "org.apache.kafka.common.serialization.StringSerializer",
                "value.serializer", "org.apache.kafka.common.serialization.StringSerializer"));
    RecordMetadata sent =
        await(
            producer
                .send(KafkaProducerRecord.create(topic, "trace-uid-1", "{\"pid\":1}"))
                .toCompletionStage()
                .toCompletableFuture());
    await(
        producer
            .send(KafkaProducerRecord.create(topic, "trace-uid-1", "{\"pid\":2}"))
            .toCompletionStage()
            .toCompletableFuture());
    await(allReceived);

    assertThat(sent.getTopic()).isEqualTo(topic);
    assertThat(received)
        .extracting(KafkaConsumerRecord::key, KafkaConsumerRecord::value)
        .containsExactly(tuple("trace-uid-1", "{\"pid\":1}"), tuple("trace-uid-1", "{\"pid\":2}"));
    await(producer.close().toCompletionStage().toCompletableFuture());
    await(consumer.close().toCompletionStage().toCompletableFuture());
  }

  private static <T> T await(CompletableFuture<T> future) throws Exception {
    return future.get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
  }
}
