package io.gadgetflow.node.kafka;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.kafka.KafkaClients;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Properties;
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

  public static StatusReporter create(Vertx vertx, KafkaClients kafka, String topic, String node) {
    Properties producerConfig = kafka.producer("gadgetflow-node-status-" + node);
    // A user is waiting on each answer: send at once rather than batch.
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new StatusReporter(
        KafkaProducer.create(
            vertx, producerConfig, new StringSerializer(), new ByteArraySerializer()),
        topic);
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
