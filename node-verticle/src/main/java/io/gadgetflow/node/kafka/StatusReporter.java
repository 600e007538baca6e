package io.gadgetflow.node.kafka;

import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.NodeReport;
import io.gadgetflow.kafka.KafkaClients;
import io.gadgetflow.kafka.identity.NodeKey;
import io.gadgetflow.kafka.identity.StatusSignature;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.Properties;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends this node's answers and counter updates to the status topic, each signed with the node's
 * key ({@link StatusSignature}): the controller applies only what the Trace's own node signed.
 */
public final class StatusReporter {
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final NodeKey key;

  StatusReporter(KafkaProducer<String, byte[]> producer, String topic, NodeKey key) {
    this.producer = producer;
    this.topic = topic;
    this.key = key;
  }

  public static StatusReporter create(Vertx vertx, KafkaClients kafka, String topic, NodeKey key) {
    String node = key.node();
    Properties producerConfig = kafka.producer("gadgetflow-node-status-" + node);
    // A user is waiting on each answer: send at once rather than batch.
    producerConfig.put(ProducerConfig.LINGER_MS_CONFIG, "0");
    return new StatusReporter(
        KafkaProducer.create(
            vertx, producerConfig, new StringSerializer(), new ByteArraySerializer()),
        topic,
        key);
  }

  public Future<Void> report(NodeReport report) {
    byte[] value = Json.encode(report);
    StatusSignature signature = StatusSignature.of(key, value);
    KafkaProducerRecord<String, byte[]> record =
        KafkaProducerRecord.create(topic, report.traceUid(), value)
            .addHeader(StatusSignature.KEY_ID_HEADER, Buffer.buffer(signature.keyIdHeader()))
            .addHeader(StatusSignature.MAC_HEADER, Buffer.buffer(signature.mac()));
    return producer.send(record).mapEmpty();
  }

  public Future<Void> close() {
    return producer.close();
  }
}
