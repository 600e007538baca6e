package io.gadgetflow.node.kafka;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.node.NodeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Sends this node's answers and counter updates to the status topic. */
public final class StatusReporter {
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  StatusReporter(KafkaProducer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  public static StatusReporter create(Vertx vertx, NodeConfig config) {
    Map<String, String> producerConfig =
        new HashMap<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                config.kafkaBootstrapServers(),
                ProducerConfig.CLIENT_ID_CONFIG,
                "gadgetflow-node-status-" + config.nodeName(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG,
                StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG,
                ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG,
                "true",
                // A user is waiting on each answer: send at once rather than batch.
                ProducerConfig.LINGER_MS_CONFIG,
                "0"));
    producerConfig.putAll(config.kafkaSecurity().clientProperties());
    return new StatusReporter(
        KafkaProducer.create(vertx, producerConfig), config.topics().status());
  }

  public Future<Void> report(NodeReport report) {
    return producer
        .send(KafkaProducerRecord.create(topic, report.traceUid(), Json.encode(report)))
        .mapEmpty();
  }

  public Future<Void> close() {
    return producer.close();
  }
}
