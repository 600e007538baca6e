package io.gadgetflow.controller.kafka;

import io.gadgetflow.api.config.KafkaSecurity;
import io.gadgetflow.api.json.Json;
import io.gadgetflow.api.kafka.ControlRecord;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/** Writes Traces' desired state and operations to the compacted control topic. */
public final class ControlPublisher {
  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  ControlPublisher(KafkaProducer<String, byte[]> producer, String topic) {
    this.producer = producer;
    this.topic = topic;
  }

  public static ControlPublisher create(
      Vertx vertx, String bootstrapServers, KafkaSecurity security, String topic) {
    Map<String, String> config =
        new HashMap<>(
            Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.ACKS_CONFIG, "all",
                ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true",
                // Operations are rare and a user waits on each: send at once rather than batch.
                ProducerConfig.LINGER_MS_CONFIG, "0",
                ProducerConfig.CLIENT_ID_CONFIG, "gadgetflow-controller"));
    config.putAll(security.clientProperties());
    return new ControlPublisher(KafkaProducer.create(vertx, config), topic);
  }

  /** Completes once the broker has the record on all in-sync replicas. */
  public Future<Void> publish(ControlRecord record) {
    return producer
        .send(KafkaProducerRecord.create(topic, record.traceUid(), Json.encode(record)))
        .mapEmpty();
  }

  /** Removes a deleted Trace from the compacted topic, so restarted nodes forget it. */
  public Future<Void> tombstone(String traceUid) {
    return producer
        .send(KafkaProducerRecord.<String, byte[]>create(topic, traceUid, null))
        .mapEmpty();
  }

  public Future<Void> close() {
    return producer.close();
  }
}
